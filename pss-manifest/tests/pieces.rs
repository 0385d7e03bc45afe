//! `pieces` and `Reader::piece`: a JSON or YAML stream read in pieces gives exactly the documents,
//! indexes, lines, columns, field positions and errors of the whole stream read at once; and a
//! stream that cannot be cut safely is not cut.

use pss_manifest::{pieces, Options, Reader, Syntax};

/// Everything a reader says about a stream, one entry per document or error.
fn read(reader: &mut Reader<&[u8]>, out: &mut Vec<String>) {
    while let Some(document) = reader.next_document().expect("a slice reads") {
        out.push(match document {
            Ok(d) => {
                let at = d.locator().locate("metadata.name").position;
                format!(
                    "doc {} line {} origin {}:{} name at {}:{} {}",
                    d.index(),
                    d.line(),
                    d.origin().line,
                    d.origin().column,
                    at.line,
                    at.column,
                    String::from_utf8_lossy(d.json())
                )
            }
            Err(e) => format!("error {} line {}: {e}", e.document(), e.line()),
        });
    }
}

fn whole(data: &[u8], options: Options) -> Vec<String> {
    let mut out = Vec::new();
    read(&mut Reader::with_options(data, options), &mut out);
    out
}

/// Reads `data` in pieces of at least `size` bytes, when it can be cut; `None` otherwise.
fn in_pieces(data: &[u8], options: Options, size: usize) -> Option<(usize, Vec<String>)> {
    let pieces = pieces(data, options, size)?;
    let mut out = Vec::new();
    let mut end = 0;
    for piece in &pieces {
        assert_eq!(piece.range().start, end, "pieces are contiguous");
        end = piece.range().end;
        read(&mut Reader::piece(&data[piece.range()], piece, options), &mut out);
    }
    assert_eq!(end, data.len(), "pieces cover the stream");
    Some((pieces.len(), out))
}

/// A small deterministic generator (no dependency needed for this).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Texts a stream may hold after its first two valid ones: objects in several layouts, strings with
/// brackets, quotes, escapes and non-ASCII, malformed texts, bare tokens, stray brackets.
fn text(rng: &mut Lcg, i: usize) -> String {
    let name = format!("p{i}");
    match rng.next(14) {
        0 => format!("{{\"kind\":\"Pod\",\"metadata\":{{\"name\":\"{name}\"}}}}"),
        1 => format!("{{\n  \"kind\": \"Pod\",\n  \"metadata\": {{\n    \"name\": \"{name}\"\n  }}\n}}"),
        2 => format!("{{\"metadata\":{{\"name\":\"{name}\"}},\"x\":\"{{ [ \\\" }} ] \\\\\"}}"),
        3 => format!("{{\"metadata\":{{\"name\":\"{name}-é-✓\"}},\"list\":[{{}},[],[[{{\"a\":1}}]]]}}"),
        4 => format!("{{\"metadata\":{{\"name\":\"{name}\"}},\"broken\":[}}"),
        5 => "123".to_owned(),
        6 => "]".to_owned(),
        7 => "\"a string\"".to_owned(),
        8 => format!("{{\"metadata\":{{\"name\":\"{name}\"}},\"s\":\"line\nbreak\"}}"),
        9 => format!("{{\"metadata\":{{\"name\":\"{name}\"}},\"big\":\"{}\"}}", "x".repeat(300)),
        10 => format!("[{{\"metadata\":{{\"name\":\"{name}\"}}}}]"),
        11 => format!("{{\"kind\":\"Pod\",\"metadata\":{{\"name\":\"{name}\"}}}}garbage"),
        12 => format!("{{\"metadata\":{{\"name\":\"{name}\"}}\r\n}}"),
        _ => format!("{{\"metadata\":{{\"name\":\"{name}\",\"invalid\":\"\\xff\"}}}}"),
    }
}

fn separator(rng: &mut Lcg) -> &'static str {
    ["\n", "\n", " ", "", "\r\n", "\n\n  ", "\t"][rng.next(7) as usize]
}

/// 300 rounds of a stream `stream` makes from the generator seeded with `seed` (with `tail` added
/// every tenth round), each under one of three document limits and read in pieces of four sizes:
/// every time it is cut, the pieces read as the whole stream. Most streams are cut, into many
/// pieces.
fn rounds_read_as_the_whole_stream(seed: u64, tail: &[u8], mut stream: impl FnMut(&mut Lcg, usize) -> String) {
    let mut rng = Lcg(seed);
    let mut cut = 0;
    for round in 0..300 {
        let mut data = stream(&mut rng, round).into_bytes();
        if round % 10 == 0 {
            data.extend_from_slice(tail);
        }
        let max_document = [128 << 20, 200, 40][round % 3];
        let options = Options::with_max_document(max_document);
        let expected = whole(&data, options);
        for size in [1, 13, 100, 1000] {
            if let Some((pieces, got)) = in_pieces(&data, options, size) {
                cut += pieces;
                assert_eq!(got, expected, "round {round}, size {size}:\n{}", String::from_utf8_lossy(&data));
            }
        }
    }
    assert!(cut > 10_000, "{cut} pieces");
}

#[test]
fn pieces_read_as_the_whole_stream() {
    // Invalid UTF-8 between texts and inside them.
    let tail = b"{\"metadata\":{\"name\":\"\xff\xfe\"}}\n\xc3";
    rounds_read_as_the_whole_stream(7, tail, |rng, _| {
        let mut stream = String::new();
        // The first two texts are valid JSON objects, or the stream is not cut.
        stream.push_str("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"first\"}}\n");
        stream.push_str("  {\"kind\":\"Pod\",\"metadata\":{\"name\":\"second\"}}");
        for i in 0..rng.next(60) as usize {
            stream.push_str(separator(rng));
            stream.push_str(&text(rng, i));
        }
        stream.push_str(separator(rng));
        stream
    });
}

#[test]
fn json_streams_read_in_parts_on_several_threads_are_cut_as_on_one() {
    // The texts of `text`, and texts with lines that start with `{` inside them (a pretty-printed
    // array of objects, a string holding a line break), where a part may start but a reader of
    // the whole stream is not at the start of a text.
    let tricky = |rng: &mut Lcg, i: usize| match rng.next(4) {
        0 => format!("[\n{{\"a\":{i}}},\n{{\"b\":[\n{{}}]}}\n]"),
        1 => format!("{{\"metadata\":{{\"name\":\"p{i}\"}},\"s\":\"a\n{{b\"}}"),
        2 => format!("{{\"spec\":\n{{\"x\":{i}}}\n}}"),
        _ => text(rng, i),
    };
    let mut rng = Lcg(11);
    let mut in_parts = 0;
    for round in 0..400 {
        let mut stream = String::from("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"first\"}}\n{\"kind\":\"Pod\"}\n");
        let tricky_round = round % 2 == 0;
        for i in 0..rng.next(80) as usize {
            stream.push_str(if tricky_round && rng.next(10) == 0 { "\n" } else { separator(&mut rng) });
            let text = if tricky_round && rng.next(8) == 0 { tricky(&mut rng, i) } else { text(&mut rng, i) };
            stream.push_str(&text);
        }
        stream.push_str(separator(&mut rng));
        let data = stream.as_bytes();
        let options = Options::with_max_document([128 << 20, 200, 40][round % 3]);
        for size in [1, 13, 100, 1000] {
            let expected = pieces(data, options, size);
            for parts in [2, 3, 7, 50] {
                let got = pss_manifest::pieces_in_parts(data, options, size, parts);
                assert_eq!(got, expected, "round {round}, size {size}, {parts} parts:\n{stream}");
                // Whether the parts were all read cleanly (then the texts came from them) or a
                // part started inside a text and the stream was read again on one thread.
                if expected.is_some() {
                    in_parts += 1;
                }
            }
        }
    }
    assert!(in_parts > 1000, "{in_parts} cut");
    // Large enough to be read in parts by the public entry point, with every thread count.
    let lines: String =
        (0..90_000).map(|i| format!("{{\"kind\":\"Pod\",\"metadata\":{{\"name\":\"pod-{i}\"}}}}\n")).collect();
    for threads in [1, 2, 8] {
        let threads = std::num::NonZeroUsize::new(threads).unwrap();
        assert_eq!(
            pss_manifest::pieces_on(lines.as_bytes(), Options::default(), 128 << 10, threads),
            pieces(lines.as_bytes(), Options::default(), 128 << 10)
        );
    }
}

#[test]
fn streams_that_cannot_be_cut_safely_are_not() {
    let options = Options::default();
    let lines: String = (0..50).map(|i| format!("{{\"metadata\":{{\"name\":\"p{i}\"}}}}\n")).collect();
    assert!(pieces(lines.as_bytes(), options, 10).is_some_and(|p| p.len() > 10));
    // JSON after a comment is YAML by kubectl's sniffing: one document of flow mappings, never
    // cut inside.
    assert_eq!(pieces(format!("# c\n{lines}").as_bytes(), options, 1), None);
    // A byte-order mark.
    assert_eq!(pieces(format!("\u{feff}{lines}").as_bytes(), options, 1), None);
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(lines.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    assert_eq!(pieces(&utf16, options, 1), None);
    // The first or second text is not valid JSON: the rest may be YAML.
    assert_eq!(pieces(format!("{{\"a\": 1}}\n{{bad: yaml}}\n{lines}").as_bytes(), options, 1), None);
    assert_eq!(pieces(format!("{{bad}}\n{lines}").as_bytes(), options, 1), None);
    // A first text longer than a piece and 64 KiB (a long List) is not cut after (nor scanned to its end).
    let big = format!("{{\"big\":\"{}\"}}\n{lines}", "x".repeat(70_000));
    assert_eq!(pieces(big.as_bytes(), options, 10), None);
    // Too short to be cut.
    assert_eq!(pieces(lines.as_bytes(), options, 1 << 20), None);
    // The pieces begin at texts starting with `{`, never inside one.
    let pieces = pieces(lines.as_bytes(), options, 10).unwrap();
    for piece in &pieces[1..] {
        assert_eq!(lines.as_bytes()[piece.range().start], b'{');
        assert_eq!(lines.as_bytes()[piece.range().start - 1], b'\n');
    }
}

#[test]
fn a_too_large_first_text_still_counts_as_a_document() {
    // Too large texts are errors of their own and do not count as valid: the stream is cut only
    // after two valid ones, and the indexes after them stay those of the whole stream.
    let options = Options::with_max_document(60);
    let mut stream = format!("{{\"big\":\"{}\"}}\n", "x".repeat(100));
    for i in 0..40 {
        stream.push_str(&format!("{{\"metadata\":{{\"name\":\"p{i}\"}}}}\n"));
    }
    let expected = whole(stream.as_bytes(), options);
    assert!(expected[0].starts_with("error 0"), "{}", expected[0]);
    let (pieces, got) = in_pieces(stream.as_bytes(), options, 50).expect("cut");
    assert!(pieces > 5);
    assert_eq!(got, expected);
}

/// YAML documents a stream may hold: mappings in several layouts, documents that read as nothing
/// (comments, blank lines, `~`, `null`) and so take no index, documents whose count is only known
/// by reading them (scalars, flow mappings, tags, anchors, directives), errors, block scalars with
/// `---` inside, bad separators, CRLF, invalid UTF-8 and control characters in comments.
fn yaml_document(rng: &mut Lcg, i: usize) -> String {
    let name = format!("p{i}");
    match rng.next(22) {
        0 => format!("kind: Pod\nmetadata:\n  name: {name}\n"),
        1 => format!("# a comment\n\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n"),
        2 => format!("kind: Pod\r\nmetadata:\r\n  name: {name}\r\n"),
        3 => "# only a comment\n".to_owned(),
        4 => "\n\n".to_owned(),
        5 => "~\n".to_owned(),
        6 => "null\n".to_owned(),
        7 => "!!null\n".to_owned(),
        8 => format!("{{kind: Pod, metadata: {{name: {name}}}}}\n"),
        9 => format!("plain scalar {name}\n"),
        10 => format!("%YAML 1.1\n---\nmetadata:\n  name: {name}\n"),
        11 => format!("&a\nmetadata:\n  name: {name}\n"),
        12 => format!("metadata:\n  name: {name}\n  bad: [\n"),
        13 => format!("data: |\n  ---x\n  --- not a separator\nmetadata:\n  name: {name}\n"),
        14 => format!("metadata:\n  name: {name}\n--- {{x: 1}}\n"),
        15 => format!("metadata:\n  name: {name}\n  big: {}\n", "x".repeat(300)),
        16 => "# comment \u{1}\n".to_owned(),
        17 => "# \u{c}\n\u{c}\n".to_owned(),
        18 => format!("metadata:\n  name: {name}-\u{e9}\n  other: \"\\u00e9\"\n"),
        19 => format!("- a\n- {name}\n"),
        20 => format!("  metadata:\n    name: {name}\n"),
        _ => format!("null: 1\nmetadata: {{name: {name}}}\n"),
    }
}

/// Separators with blanks other than ASCII ones (Go's `unicode.IsSpace`, as kubectl trims them),
/// with and without a comment.
const OTHER_BLANK_SEPARATORS: [&str; 5] =
    ["---\u{b}\n", "---\t# c\n", "--- \u{a0}\n", "---\u{2003}\n", "---\u{3000}# c\n"];

/// What ends a YAML document; sometimes a separator with other blanks than ASCII ones, rarely a
/// bad one (`----`, an error in its document).
fn yaml_separator(rng: &mut Lcg) -> &'static str {
    match rng.next(60) {
        0 => "----\n",
        n @ 1..=10 => OTHER_BLANK_SEPARATORS[n as usize % OTHER_BLANK_SEPARATORS.len()],
        n => ["---\n", "--- # next\n", "---\r\n", "---\t\n", "---\n---\n"][n as usize % 5],
    }
}

#[test]
fn yaml_pieces_read_as_the_whole_stream() {
    let tail = b"---\nmetadata:\n  name: \xff\xfe\n---\n# \xc3\n";
    rounds_read_as_the_whole_stream(11, tail, |rng, round| {
        let mut stream = String::new();
        if round % 4 == 1 {
            stream.push_str("---\n");
        }
        for i in 0..rng.next(60) as usize {
            stream.push_str(&yaml_document(rng, i));
            stream.push_str(yaml_separator(rng));
        }
        if round % 3 == 0 {
            stream.push_str("kind: Pod\nmetadata:\n  name: last"); // no line break at the end
        }
        stream
    });
}

#[test]
fn yaml_streams_are_cut_after_separators_with_other_blanks() {
    // kubectl reads these lines as separators: the stream is cut after each, as after `---`, and
    // the pieces read as the whole stream.
    let options = Options::default();
    for separator in OTHER_BLANK_SEPARATORS {
        let stream: String =
            (0..50).map(|i| format!("# {i}\n---\nkind: Pod\nmetadata:\n  name: p{i}\n{separator}")).collect();
        let cut = pieces(stream.as_bytes(), options, 10).expect("cut");
        assert_eq!(cut.len(), 50, "{separator:?}");
        for (i, piece) in cut.iter().enumerate().skip(1) {
            assert!(stream[..piece.range().start].ends_with(&format!("p{}\n{separator}", i - 1)), "{separator:?}");
            // The comment before each pod reads as nothing and takes no index.
            assert_eq!(piece.first_document(), i, "{separator:?}");
        }
        let (count, got) = in_pieces(stream.as_bytes(), options, 10).expect("cut");
        assert_eq!(count, 50);
        assert_eq!(got, whole(stream.as_bytes(), options), "{separator:?}");
    }
}

#[test]
fn yaml_streams_are_cut_after_separators() {
    let options = Options::default();
    let stream: String = (0..50).map(|i| format!("kind: Pod\nmetadata:\n  name: p{i}\n---\n")).collect();
    let cut = pieces(stream.as_bytes(), options, 10).expect("cut");
    assert_eq!(cut.len(), 50);
    for (i, piece) in cut.iter().enumerate() {
        assert_eq!(piece.syntax(), Syntax::Yaml);
        assert_eq!(piece.first_document(), i);
        if i > 0 {
            assert!(stream[..piece.range().start].ends_with("\n---\n"));
        }
    }
    // Documents that read as nothing take no index.
    let stream: String = (0..50).map(|i| format!("# {i}\n---\n~\n---\nkind: Pod\n---\n")).collect();
    let cut = pieces(stream.as_bytes(), options, 10).expect("cut");
    for piece in &cut {
        assert_eq!(piece.first_document(), stream[..piece.range().start].matches("kind: Pod").count());
    }
    assert_eq!(in_pieces(stream.as_bytes(), options, 10).unwrap().1, whole(stream.as_bytes(), options));
    // A byte-order mark, or one document: not cut.
    assert_eq!(pieces(format!("\u{feff}{stream}").as_bytes(), options, 1), None);
    assert_eq!(pieces(b"kind: Pod\nmetadata:\n  name: a\n", options, 1), None);
    // A separator cut short by the size limit ends the cutting.
    let long = format!("--- #{}\n", "x".repeat(100));
    let stream = format!("a: 1\n---\nb: 2\n{long}c: 3\n---\nd: 4\n---\ne: 5\n");
    let options = Options::with_max_document(60);
    let cut = pieces(stream.as_bytes(), options, 1).expect("cut");
    assert_eq!(cut.len(), 2, "{cut:?}");
    assert_eq!(cut[1].range().start, stream.find("b: 2").unwrap());
    assert_eq!(in_pieces(stream.as_bytes(), options, 1).unwrap().1, whole(stream.as_bytes(), options));
}

//! `json_pieces` and `Reader::piece`: a JSON stream read in pieces gives exactly the documents,
//! indexes, lines, columns, field positions and errors of the whole stream read at once; and a
//! stream that cannot be cut safely is not cut.

use pss_manifest::{json_pieces, Options, Reader};

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
    let pieces = json_pieces(data, options, size)?;
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

#[test]
fn pieces_read_as_the_whole_stream() {
    let mut rng = Lcg(7);
    let mut cut = 0;
    for round in 0..300 {
        let mut stream = String::new();
        // The first two texts are valid JSON objects, or the stream is not cut.
        stream.push_str("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"first\"}}\n");
        stream.push_str("  {\"kind\":\"Pod\",\"metadata\":{\"name\":\"second\"}}");
        for i in 0..rng.next(60) as usize {
            stream.push_str(separator(&mut rng));
            stream.push_str(&text(&mut rng, i));
        }
        stream.push_str(separator(&mut rng));
        let mut data = stream.into_bytes();
        if round % 10 == 0 {
            // Invalid UTF-8 between texts and inside them.
            data.extend_from_slice(b"{\"metadata\":{\"name\":\"\xff\xfe\"}}\n\xc3");
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
    // Most streams were cut, into many pieces.
    assert!(cut > 10_000, "{cut} pieces");
}

#[test]
fn streams_that_cannot_be_cut_safely_are_not() {
    let options = Options::default();
    let lines: String = (0..50).map(|i| format!("{{\"metadata\":{{\"name\":\"p{i}\"}}}}\n")).collect();
    assert!(json_pieces(lines.as_bytes(), options, 10).is_some_and(|p| p.len() > 10));
    // YAML, and JSON after a comment (YAML by kubectl's sniffing).
    assert_eq!(json_pieces(b"kind: Pod\n---\nkind: Pod\n", options, 1), None);
    assert_eq!(json_pieces(format!("# c\n{lines}").as_bytes(), options, 1), None);
    // A byte-order mark.
    assert_eq!(json_pieces(format!("\u{feff}{lines}").as_bytes(), options, 1), None);
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(lines.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    assert_eq!(json_pieces(&utf16, options, 1), None);
    // The first or second text is not valid JSON: the rest may be YAML.
    assert_eq!(json_pieces(format!("{{\"a\": 1}}\n{{bad: yaml}}\n{lines}").as_bytes(), options, 1), None);
    assert_eq!(json_pieces(format!("{{bad}}\n{lines}").as_bytes(), options, 1), None);
    // Too short to be cut.
    assert_eq!(json_pieces(lines.as_bytes(), options, 1 << 20), None);
    // The pieces begin at texts starting with `{`, never inside one.
    let pieces = json_pieces(lines.as_bytes(), options, 10).unwrap();
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

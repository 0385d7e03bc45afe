//! Unified diffs (`diff -u`, as `patch` and `git apply` read them) of a file before and after its
//! fixes: lines compared with Myers' algorithm, three lines of context.

use std::fmt::Write;

const CONTEXT: usize = 3;

/// The lines of `text`, each with its line ending.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Myers' O((N+M)D) shortest edit script: for each line of `a` and `b`, whether it is kept.
fn matching(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let max = n + m;
    let offset = max as isize;
    let mut v = vec![0usize; 2 * max + 2];
    let mut trace: Vec<Vec<usize>> = Vec::new();
    'outer: for d in 0..=max as isize {
        trace.push(v.clone());
        let mut k = -d;
        while k <= d {
            let i = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[i - 1] < v[i + 1]) { v[i + 1] } else { v[i - 1] + 1 };
            let mut y = (x as isize - k) as usize;
            while x < n && y < m && a[x] == b[y] {
                x += 1;
                y += 1;
            }
            v[i] = x;
            if x >= n && y >= m {
                break 'outer;
            }
            k += 2;
        }
    }
    // Walk back through the trace for the kept pairs.
    let mut pairs = Vec::new();
    let (mut x, mut y) = (n, m);
    for (d, v) in trace.iter().enumerate().rev() {
        if d == 0 {
            // The first snake, from the start.
            while x > 0 && y > 0 {
                x -= 1;
                y -= 1;
                pairs.push((x, y));
            }
            break;
        }
        let d = d as isize;
        let k = x as isize - y as isize;
        let i = (k + offset) as usize;
        let prev_k = if k == -d || (k != d && v[i - 1] < v[i + 1]) { k + 1 } else { k - 1 };
        let prev_x = v[(prev_k + offset) as usize];
        let prev_y = (prev_x as isize - prev_k) as usize;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            pairs.push((x, y));
        }
        x = prev_x;
        y = prev_y;
    }
    pairs.reverse();
    pairs
}

/// One line of the diff: kept, removed or added.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Line<'t> {
    Same(&'t str),
    Old(&'t str),
    New(&'t str),
}

/// The unified diff of `old` and `new` named `name` (empty when they are equal).
pub fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (a, b) = (lines(old), lines(new));
    let pairs = matching(&a, &b);
    // The script: every line of both in order.
    let mut script = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    for &(x, y) in pairs.iter().chain(std::iter::once(&(a.len(), b.len()))) {
        while i < x {
            script.push(Line::Old(a[i]));
            i += 1;
        }
        while j < y {
            script.push(Line::New(b[j]));
            j += 1;
        }
        if x < a.len() {
            script.push(Line::Same(a[x]));
            i += 1;
            j += 1;
        }
    }
    let mut out = format!("--- {name}\n+++ {name}\n");
    // Hunks: changed lines with up to CONTEXT kept lines around, merged when they touch.
    let changed: Vec<usize> = (0..script.len()).filter(|&k| !matches!(script[k], Line::Same(_))).collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k] + 1;
        while k + 1 < changed.len() && changed[k + 1] <= end + 2 * CONTEXT {
            k += 1;
            end = changed[k] + 1;
        }
        let end = (end + CONTEXT).min(script.len());
        k += 1;
        // Line numbers at the hunk's start.
        let before_old = script[..start].iter().filter(|l| !matches!(l, Line::New(_))).count();
        let before_new = script[..start].iter().filter(|l| !matches!(l, Line::Old(_))).count();
        let hunk = &script[start..end];
        let old_len = hunk.iter().filter(|l| !matches!(l, Line::New(_))).count();
        let new_len = hunk.iter().filter(|l| !matches!(l, Line::Old(_))).count();
        let range = |from: usize, len: usize| match len {
            0 => format!("{from},0"),
            1 => format!("{}", from + 1),
            _ => format!("{},{len}", from + 1),
        };
        let _ = writeln!(out, "@@ -{} +{} @@", range(before_old, old_len), range(before_new, new_len));
        for line in hunk {
            let (mark, text) = match line {
                Line::Same(t) => (' ', *t),
                Line::Old(t) => ('-', *t),
                Line::New(t) => ('+', *t),
            };
            out.push(mark);
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\n";
        assert_eq!(
            unified("f.yaml", old, new),
            "--- f.yaml\n+++ f.yaml\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n"
        );
        // Close changes share a hunk.
        let new = "a\nB\nc\nD\ne\nf\ng\nh\ni\nj\nk\n";
        assert_eq!(unified("f", old, new), "--- f\n+++ f\n@@ -1,7 +1,7 @@\n a\n-b\n+B\n c\n-d\n+D\n e\n f\n g\n");
        assert_eq!(unified("f", old, old), "");
    }

    #[test]
    fn insertions_at_the_start_and_missing_final_newlines() {
        assert_eq!(unified("f", "a\n", "x\na\n"), "--- f\n+++ f\n@@ -1 +1,2 @@\n+x\n a\n");
        assert_eq!(unified("f", "", "x\n"), "--- f\n+++ f\n@@ -0,0 +1 @@\n+x\n");
        assert_eq!(
            unified("f", "a\nb", "a\nc"),
            "--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn script_is_a_shortest_one() {
        let a: Vec<&str> = "abcabba".split("").filter(|s| !s.is_empty()).collect();
        let b: Vec<&str> = "cbabac".split("").filter(|s| !s.is_empty()).collect();
        // Myers' example: 5 deletions and insertions, 4 lines kept.
        assert_eq!(matching(&a, &b).len(), 4);
        // A common start and end are kept whole.
        let a = ["x", "a", "b", "y"];
        let b = ["x", "a", "c", "y"];
        assert_eq!(matching(&a, &b), [(0, 0), (1, 1), (3, 3)]);
    }
}

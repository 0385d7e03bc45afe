//! Unified diffs (`diff -u`, as `patch` and `git apply` read them) of a file before and after its
//! fixes: lines compared with Myers' algorithm, three lines of context.

use std::fmt::Write;

const CONTEXT: usize = 3;

/// The lines of `text`, each with its line ending.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The most edits Myers' algorithm looks for in one stretch of lines; beyond, the stretch is shown
/// as replaced (a correct diff, if not the shortest).
const MAX_EDITS: usize = 2000;

/// The lines of `a` and `b` kept by the diff, as pairs of indexes in increasing order: common
/// starts and ends first, then lines that occur once in each side as anchors (patience diff), and
/// Myers' shortest edit script between anchors.
fn matching(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut work = vec![((0, a.len()), (0, b.len()))];
    while let Some(((mut a0, mut a1), (mut b0, mut b1))) = work.pop() {
        while a0 < a1 && b0 < b1 && a[a0] == b[b0] {
            pairs.push((a0, b0));
            a0 += 1;
            b0 += 1;
        }
        while a0 < a1 && b0 < b1 && a[a1 - 1] == b[b1 - 1] {
            a1 -= 1;
            b1 -= 1;
            pairs.push((a1, b1));
        }
        if a0 == a1 || b0 == b1 {
            continue;
        }
        let anchors = unique_anchors(a, b, (a0, a1), (b0, b1));
        if anchors.is_empty() {
            let script = myers(&a[a0..a1], &b[b0..b1]).unwrap_or_else(|| resync(&a[a0..a1], &b[b0..b1]));
            pairs.extend(script.into_iter().map(|(x, y)| (a0 + x, b0 + y)));
            continue;
        }
        let (mut pa, mut pb) = (a0, b0);
        for &(x, y) in &anchors {
            work.push(((pa, x), (pb, y)));
            pairs.push((x, y));
            pa = x + 1;
            pb = y + 1;
        }
        work.push(((pa, a1), (pb, b1)));
    }
    pairs.sort_unstable();
    pairs
}

/// Lines that occur exactly once in each range, paired, and of those the longest run in the same
/// order on both sides.
fn unique_anchors(a: &[&str], b: &[&str], (a0, a1): (usize, usize), (b0, b1): (usize, usize)) -> Vec<(usize, usize)> {
    use std::collections::HashMap;
    let mut seen: HashMap<&str, (usize, usize, usize, usize)> = HashMap::new();
    for (i, line) in a.iter().enumerate().take(a1).skip(a0) {
        let e = seen.entry(line).or_insert((0, 0, 0, 0));
        e.0 += 1;
        e.1 = i;
    }
    for (j, line) in b.iter().enumerate().take(b1).skip(b0) {
        if let Some(e) = seen.get_mut(line) {
            e.2 += 1;
            e.3 = j;
        }
    }
    let mut candidates: Vec<(usize, usize)> =
        seen.values().filter(|e| e.0 == 1 && e.2 == 1).map(|e| (e.1, e.3)).collect();
    candidates.sort_unstable();
    // The longest increasing run of their `b` positions (patience sorting).
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; candidates.len()];
    for (k, &(_, y)) in candidates.iter().enumerate() {
        let at = tails.partition_point(|&t| candidates[t].1 < y);
        previous[k] = at.checked_sub(1).map(|p| tails[p]);
        if at == tails.len() {
            tails.push(k);
        } else {
            tails[at] = k;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut k = tails.last().copied();
    while let Some(i) = k {
        out.push(candidates[i]);
        k = previous[i];
    }
    out.reverse();
    out
}

/// How far [`resync`] looks ahead for lines that agree again.
const RESYNC_WINDOW: usize = 64;

/// A quick edit script for a stretch too different for [`myers`]: equal lines are kept; at a
/// difference, the nearest place where the next lines agree again (within [`RESYNC_WINDOW`] lines
/// on each side) ends it; past the window, the rest is replaced.
fn resync(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    'walk: while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
            continue;
        }
        for total in 1..=2 * RESYNC_WINDOW {
            for da in total.saturating_sub(RESYNC_WINDOW)..=total.min(RESYNC_WINDOW) {
                let db = total - da;
                if i + da < a.len() && j + db < b.len() && a[i + da] == b[j + db] {
                    i += da;
                    j += db;
                    continue 'walk;
                }
            }
        }
        break;
    }
    pairs
}

/// Myers' O((N+M)D) shortest edit script (the kept pairs), or `None` past [`MAX_EDITS`].
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<(usize, usize)>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (a.len() + b.len()).min(MAX_EDITS) as isize;
    // trace[d] holds V for diagonals -d..=d after d edits.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut v: Vec<isize> = vec![0; 3];
    let at = |v: &Vec<isize>, d: isize, k: isize| -> isize {
        // V of the previous round covers -(d-1)..=(d-1).
        v.get((k + d) as usize).copied().unwrap_or(0)
    };
    let mut found = false;
    for d in 0..=max {
        let prev = v.clone();
        let mut next = vec![0isize; (2 * d + 1) as usize];
        let mut k = -d;
        while k <= d {
            let mut x = if d == 0 {
                0
            } else if k == -d || (k != d && at(&prev, d - 1, k - 1) < at(&prev, d - 1, k + 1)) {
                at(&prev, d - 1, k + 1)
            } else {
                at(&prev, d - 1, k - 1) + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            next[(k + d) as usize] = x;
            if x >= n && y >= m {
                found = true;
            }
            k += 2;
        }
        trace.push(next.clone());
        v = next;
        if found {
            break;
        }
    }
    if !found {
        return None;
    }
    // Back from the end through the rounds.
    let mut pairs = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..trace.len() as isize).rev() {
        let k = x - y;
        if d == 0 {
            while x > 0 && y > 0 {
                x -= 1;
                y -= 1;
                pairs.push((x as usize, y as usize));
            }
            break;
        }
        let prev = &trace[(d - 1) as usize];
        let get = |k: isize| prev.get((k + d - 1) as usize).copied().unwrap_or(0);
        let prev_k = if k == -d || (k != d && get(k - 1) < get(k + 1)) { k + 1 } else { k - 1 };
        let prev_x = get(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            pairs.push((x as usize, y as usize));
        }
        x = prev_x;
        y = prev_y;
    }
    pairs.reverse();
    Some(pairs)
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
    // Lines of each side before a place of the script, counted as the hunks move forward.
    let (mut counted, mut before_old, mut before_new) = (0, 0, 0);
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
        for line in &script[counted..start] {
            before_old += usize::from(!matches!(line, Line::New(_)));
            before_new += usize::from(!matches!(line, Line::Old(_)));
        }
        counted = start;
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
        assert_eq!(myers(&a, &b).unwrap().len(), 4);
        // A common start and end are kept whole.
        let a = ["x", "a", "b", "y"];
        let b = ["x", "a", "c", "y"];
        assert_eq!(matching(&a, &b), [(0, 0), (1, 1), (3, 3)]);
        // Repeated lines between unique ones.
        let a = ["u", "x", "x", "v", "x", "w"];
        let b = ["u", "x", "v", "x", "x", "w"];
        assert_eq!(matching(&a, &b), [(0, 0), (1, 1), (3, 2), (4, 4), (5, 5)]);
    }

    #[test]
    fn many_changes_in_a_long_file_are_quick() {
        let old: String = (0..50_000).map(|i| format!("line {}\n", i % 1000)).collect();
        let new: String = old
            .lines()
            .enumerate()
            .map(|(i, l)| if i % 7 == 0 { format!("{l}!\n") } else { format!("{l}\n") })
            .collect();
        let diff = unified("f", &old, &new);
        assert_eq!(diff.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).count(), 50_000 / 7 + 1);
    }
}

//! roff for man pages: paragraphs, preformatted blocks and sections, wrapped so that
//! no source or output line overflows 80 columns.

use super::{MAN_DATE, MANUAL};

/// `.TH` and NAME, shared by the command pages and the hand-written ones.
pub(super) fn header(name: &str, section: u8, summary: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    format!(
        ".TH {} {section} {MAN_DATE} \"svcdesk {version}\" \"{MANUAL}\"\n.SH NAME\n{} \\- {}\n",
        name.to_uppercase(),
        escape(name),
        escape(summary)
    )
}

/// One paragraph: filled, or kept line for line (`.nf`) when its lines are indented or
/// aligned, each line then wrapped to `width` columns.
pub(super) fn block(para: &str, width: usize) -> String {
    let lines: Vec<&str> = para.lines().collect();
    let pre = lines.iter().any(|l| l.starts_with(' ')) || lines.iter().any(|l| l.contains("  "));
    if !pre {
        return lines.iter().map(|l| filled(l.trim()) + "\n").collect();
    }
    pre_block(para, width)
}

/// A paragraph kept line for line, each line wrapped to `width` columns.
pub(super) fn pre_block(para: &str, width: usize) -> String {
    let mut out = String::from(".nf\n");
    for l in para.lines() {
        for piece in wrap_pre(l, width) {
            out.push_str(&escape(&piece));
            out.push('\n');
        }
    }
    out.push_str(".fi\n");
    out
}

/// Rendered width left for preformatted text in a section: 80 columns less the section
/// indent (7) and `.RS 2`.
pub(super) const PRE_WIDTH: usize = 71;

/// A line of preformatted text, wrapped at spaces to `width` columns; continuation lines
/// are indented two more than the line (a CSV column list, a long example).
pub(super) fn wrap_pre(line: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let indent = line.len() - line.trim_start().len();
    let mut out = Vec::new();
    let mut rest = line.to_string();
    let mut lead = String::new();
    while rest.width() > width {
        // The last space at or before the width, outside the leading indentation.
        let mut cut = None;
        let mut w = 0;
        for (i, c) in rest.char_indices() {
            w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w > width {
                break;
            }
            let after = i + c.len_utf8();
            if i > indent.max(lead.len()) && !rest[..i].trim_end().is_empty() {
                if c == ' ' {
                    cut = Some(i);
                } else if c == ',' && after < rest.len() {
                    cut = Some(after);
                }
            }
        }
        let Some(cut) = cut else { break };
        out.push(rest[..cut].trim_end().to_string());
        lead = " ".repeat(indent + 2);
        rest = format!("{lead}{}", rest[cut..].trim_start());
    }
    out.push(rest);
    out
}

/// mandoc measures a non-ASCII character as its escape, `\[u884C]`: eight bytes.
pub(super) fn cost(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 8 }).sum()
}

/// A line of an example, wrapped so that it still runs when pasted: a trailing comment
/// moves above the command, and the command is continued with ` \` at a space outside
/// quotes.
pub(super) fn wrap_shell(line: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    if line.width() <= width {
        return vec![line.to_string()];
    }
    let indent = &line[..line.len() - line.trim_start().len()];
    let mut out = Vec::new();
    let mut code = line.trim_end();
    if let Some(i) = code.find("  # ") {
        let comment = code[i..].trim_start();
        out.extend(
            wrap_pre(&format!("{indent}{comment}"), width)
                .into_iter()
                .enumerate()
                .map(|(n, l)| {
                    if n == 0 {
                        l
                    } else {
                        format!("{indent}# {}", l.trim_start())
                    }
                }),
        );
        code = code[..i].trim_end();
    }
    let mut rest = code.to_string();
    while rest.width() > width {
        let (mut quote, mut w, mut cut) = (None, 0, None);
        for (i, c) in rest.char_indices() {
            w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w + 2 > width {
                break;
            }
            match (quote, c) {
                (None, '\'' | '"') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, ' ') if i > indent.len() + 4 => cut = Some(i),
                _ => {}
            }
        }
        let Some(cut) = cut else { break };
        out.push(format!("{} \\", rest[..cut].trim_end()));
        rest = format!("{indent}    {}", rest[cut..].trim_start());
    }
    out.push(rest);
    out
}

/// Keeps every roff source line within 80 bytes (mandoc's style limit): filled text is
/// broken at spaces; a preformatted line is continued with `\c`. No line ends in a space.
pub(super) fn wrap_source(roff: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::new();
    let mut nofill = false;
    for line in roff.lines() {
        let line = line.trim_end();
        if line.starts_with('.') && !line.starts_with("\\&") {
            match line {
                ".nf" => nofill = true,
                ".fi" => nofill = false,
                _ => {}
            }
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut rest = line;
        while cost(rest) > MAX {
            // Split points: after a whole escape sequence or character.
            let mut cut = None;
            let (mut i, mut used) = (0, 0);
            let b = rest.as_bytes();
            while i < rest.len() && used <= MAX - 2 {
                let step = if b[i] == b'\\' {
                    match b.get(i + 1) {
                        Some(b'f') => 3,
                        Some(b'(') => 4,
                        _ => 2,
                    }
                } else {
                    rest[i..].chars().next().map_or(1, char::len_utf8)
                };
                if nofill {
                    if i > 0 && b[i] != b' ' && b[i - 1] != b' ' {
                        cut = Some(i);
                    }
                } else if b[i] == b' ' && i > 0 {
                    cut = Some(i);
                }
                used += cost(&rest[i..i + step]);
                i += step;
            }
            let Some(c) = cut else { break };
            if nofill {
                out.push_str(&rest[..c]);
                out.push_str("\\c\n");
                rest = &rest[c..];
            } else {
                out.push_str(rest[..c].trim_end());
                out.push('\n');
                rest = rest[c..].trim_start();
            }
            if rest.starts_with('.') || rest.starts_with('\'') {
                out.push_str("\\&");
            }
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

pub(super) fn page(name: &str, section: u8, summary: &str, body: &[(&str, &str)]) -> String {
    wrap_source(&(header(name, section, summary) + &sections(body)))
}

/// Plain text to man(7) roff: a paragraph whose lines are indented (a diagram, a table,
/// a TOML example) keeps its lines (.nf), any other is filled. "Heading:" lines that end
/// a paragraph's first line become subsections. An empty section title continues the
/// previous section.
pub(super) fn sections(body: &[(&str, &str)]) -> String {
    let mut out = String::new();
    // A paragraph macro right after a heading is redundant (mandoc warns).
    let pp = |out: &String| {
        let last = last_line(out);
        if last.starts_with(".SH") || last.starts_with(".SS") {
            ""
        } else {
            ".PP\n"
        }
    };
    let mut examples = false;
    for (title, text) in body {
        if text.trim().is_empty() {
            continue;
        }
        if !title.is_empty() {
            examples = *title == "EXAMPLES";
        }
        if !title.is_empty() {
            out.push_str(&format!(".SH \"{title}\"\n"));
        }
        for para in text.split("\n\n") {
            let mut lines: Vec<&str> = para.lines().collect();
            let mut lead = None;
            if lines.len() > 1 && !lines[0].starts_with(' ') && lines[0].ends_with(':') {
                if is_heading(lines[0]) {
                    out.push_str(&format!(".SS \"{}\"\n", lines[0].trim_end_matches(':')));
                } else {
                    // A sentence introducing what follows stays text, not a heading.
                    lead = Some(lines[0]);
                }
                lines.remove(0);
            }
            if lines.iter().all(|l| l.trim().is_empty()) {
                continue;
            }
            let preformatted =
                lines.iter().any(|l| l.starts_with(' ')) || lines.iter().any(|l| l.contains("  "));
            // Preformatted blocks lose their common indentation and are indented by .RS.
            let cut = if preformatted {
                let ind = |l: &&str| l.len() - l.trim_start().len();
                lines
                    .iter()
                    .filter(|l| !l.trim().is_empty())
                    .map(ind)
                    .min()
                    .unwrap_or(0)
            } else {
                0
            };
            out.push_str(pp(&out));
            if let Some(lead) = lead {
                out.push_str(&escape(lead));
                out.push('\n');
            }
            if preformatted {
                out.push_str(".RS 2\n.nf\n");
            }
            for l in lines {
                let l = l.get(cut..).unwrap_or("");
                if preformatted {
                    let pieces = if examples {
                        wrap_shell(l, PRE_WIDTH)
                    } else {
                        wrap_pre(l, PRE_WIDTH)
                    };
                    for piece in pieces {
                        out.push_str(&escape(&piece));
                        out.push('\n');
                    }
                } else {
                    out.push_str(&filled(l));
                    out.push('\n');
                }
            }
            if preformatted {
                out.push_str(".fi\n.RE\n");
            }
        }
    }
    out
}

/// A subsection heading is a few words ("Messages of note:"), never a sentence.
pub(super) fn is_heading(line: &str) -> bool {
    line.chars().count() <= 40 && !line.contains(". ") && !line.contains("; ")
}

pub(super) fn last_line(s: &str) -> &str {
    s.trim_end_matches('\n').rsplit('\n').next().unwrap_or("")
}

/// A line of filled text: escaped, and breakable after the commas of a list written
/// without spaces (CSV columns), which would otherwise overflow the line.
pub(super) fn filled(line: &str) -> String {
    let s = escape(line);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == ',' && chars.peek().is_some_and(|n| *n != ' ') {
            out.push_str("\\:");
        }
    }
    out
}

/// Escapes one line of text for roff: backslashes, a leading `.` or `'` (control
/// characters), and `-` as a real hyphen-minus so options survive copy and paste.
pub(super) fn escape(line: &str) -> String {
    let mut s = line.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        s.insert_str(0, "\\&");
    }
    s
}

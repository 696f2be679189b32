//! Markdown bodies → Typst markup, by walking comrak's AST (the same parser options as the
//! site, so a body means the same thing on the web and on the wall). Links print as their
//! text followed by the address; images print as their description; raw HTML is dropped.

use comrak::Arena;
use comrak::nodes::{AstNode, ListType, NodeValue};

/// Escape text for Typst markup: every ASCII punctuation character gets a backslash, so
/// nothing in a clerk's text can start markup, code (`#`), math (`$`), a label or a link.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The text of Typst markup written by [`markdown`] as it prints, near enough for the privacy
/// guard: escapes undone, markup dropped (the arguments of functions stay; they hold no
/// personal data).
pub fn visible(markup: &str) -> String {
    let mut out = String::with_capacity(markup.len());
    let mut chars = markup.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // An escaped character prints as itself.
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            // Markup prints as nothing: strong and emphasis markers, a function's name
            // (`#emph`), the brackets of its content and arguments, string quotes (`#raw("…")`).
            '*' | '_' | '[' | ']' | '(' | ')' | '"' => {}
            '#' => {
                while chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '.')
                {
                    chars.next();
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A Typst string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Convert a Markdown body to Typst markup.
pub fn markdown(body: &str) -> String {
    let arena = Arena::new();
    let root = crate::markdown::parse(&arena, body, None);
    let mut out = String::new();
    let mut notes = Vec::new();
    blocks(root, &mut out, &mut notes);
    if !notes.is_empty() {
        out.push_str("#line(length: 30%, stroke: 0.5pt)\n");
        for (name, text) in notes {
            out.push_str(&format!(
                "#text(size: 0.85em)[\\[{}\\] {}]\n\n",
                escape(&name),
                text
            ));
        }
    }
    out
}

fn is_wide(c: char) -> bool {
    !c.is_ascii()
}

fn blocks<'a>(node: &'a AstNode<'a>, out: &mut String, notes: &mut Vec<(String, String)>) {
    for child in node.children() {
        block(child, out, notes);
    }
}

fn block<'a>(node: &'a AstNode<'a>, out: &mut String, notes: &mut Vec<(String, String)>) {
    let value = node.data().value.clone();
    match value {
        NodeValue::Paragraph => {
            out.push_str(&inlines(node));
            out.push_str("\n\n");
        }
        NodeValue::Heading(h) => {
            out.push_str(&format!(
                "#heading(level: {}, outlined: false)[{}]\n\n",
                h.level.clamp(1, 6),
                inlines(node)
            ));
        }
        NodeValue::List(l) => {
            let mut items = Vec::new();
            for item in node.children() {
                let mut s = String::new();
                blocks(item, &mut s, notes);
                items.push(format!("[{}]", s.trim_end()));
            }
            match l.list_type {
                ListType::Bullet => {
                    out.push_str(&format!(
                        "#list(tight: {}, {})\n\n",
                        l.tight,
                        items.join(", ")
                    ));
                }
                ListType::Ordered => {
                    out.push_str(&format!(
                        "#enum(tight: {}, start: {}, {})\n\n",
                        l.tight,
                        l.start.max(1),
                        items.join(", ")
                    ));
                }
            }
        }
        NodeValue::BlockQuote | NodeValue::MultilineBlockQuote(_) | NodeValue::Alert(_) => {
            let mut s = String::new();
            blocks(node, &mut s, notes);
            out.push_str(&format!("#quote(block: true)[{}]\n\n", s.trim_end()));
        }
        NodeValue::CodeBlock(cb) => {
            out.push_str(&format!(
                "#raw(block: true, {})\n\n",
                string(cb.literal.trim_end())
            ));
        }
        NodeValue::ThematicBreak => out.push_str("#line(length: 100%, stroke: 0.5pt)\n\n"),
        NodeValue::Table(t) => {
            let cols = t.num_columns.max(1);
            let mut cells = Vec::new();
            for row in node.children() {
                let header = matches!(row.data().value, NodeValue::TableRow(true));
                let mut rc = Vec::new();
                for cell in row.children() {
                    rc.push(format!("[{}]", inlines(cell)));
                }
                while rc.len() < cols {
                    rc.push("[]".into());
                }
                rc.truncate(cols);
                if header {
                    cells.push(format!("table.header({})", rc.join(", ")));
                } else {
                    cells.extend(rc);
                }
            }
            out.push_str(&format!(
                "#table(columns: {cols}, {})\n\n",
                cells.join(", ")
            ));
        }
        NodeValue::FootnoteDefinition(f) => {
            let mut s = String::new();
            blocks(node, &mut s, notes);
            notes.push((f.name.clone(), s.trim().replace("\n\n", " ")));
        }
        NodeValue::HtmlBlock(_) | NodeValue::FrontMatter(_) => {}
        NodeValue::TableRow(_) | NodeValue::TableCell => {
            out.push_str(&inlines(node));
        }
        _ => {
            // Something inline at block level, or an extension we do not print specially.
            if node.first_child().is_some() {
                blocks(node, out, notes);
            } else {
                out.push_str(&inline(node));
            }
        }
    }
}

/// Whether an inline HTML tag breaks the line: `<br>` and block-level tags.
fn breaks_line(tag: &str) -> bool {
    let name: String = tag
        .trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        name.as_str(),
        "br" | "p"
            | "div"
            | "li"
            | "ul"
            | "ol"
            | "td"
            | "th"
            | "tr"
            | "table"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "section"
            | "hr"
            | "dl"
            | "dt"
            | "dd"
    )
}

fn inlines<'a>(node: &'a AstNode<'a>) -> String {
    let mut s = String::new();
    let children: Vec<_> = node.children().collect();
    for (i, child) in children.iter().enumerate() {
        if matches!(child.data().value, NodeValue::SoftBreak) {
            // Between Chinese characters a line break in the source is not a space.
            let prev = s.chars().last();
            let next = children.get(i + 1).and_then(|n| first_char(n));
            if prev.is_some_and(is_wide) || next.is_some_and(is_wide) {
                continue;
            }
            s.push(' ');
            continue;
        }
        s.push_str(&inline(child));
    }
    s
}

fn first_char<'a>(node: &'a AstNode<'a>) -> Option<char> {
    if let NodeValue::Text(t) = &node.data().value {
        return t.chars().next();
    }
    node.first_child().and_then(|c| first_char(c))
}

fn plain<'a>(node: &'a AstNode<'a>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => s.push_str(t),
            NodeValue::Code(c) => s.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

fn inline<'a>(node: &'a AstNode<'a>) -> String {
    let value = node.data().value.clone();
    match value {
        NodeValue::Text(t) => escape(&t),
        NodeValue::SoftBreak => " ".into(),
        NodeValue::LineBreak => "#linebreak()".into(),
        NodeValue::Code(c) => format!("#raw({})", string(&c.literal)),
        NodeValue::Emph => format!("#emph[{}]", inlines(node)),
        NodeValue::Strong => format!("#strong[{}]", inlines(node)),
        NodeValue::Strikethrough => format!("#strike[{}]", inlines(node)),
        NodeValue::Superscript => format!("#super[{}]", inlines(node)),
        NodeValue::Subscript => format!("#sub[{}]", inlines(node)),
        NodeValue::Underline => format!("#underline[{}]", inlines(node)),
        NodeValue::Link(l) => {
            let text = plain(node);
            let url = l.url.trim();
            let shown = url
                .strip_prefix("mailto:")
                .or_else(|| url.strip_prefix("tel:"))
                .unwrap_or(url);
            if url.is_empty() || text.trim() == shown {
                inlines(node)
            } else {
                format!("{}（{}）", inlines(node), escape(shown))
            }
        }
        NodeValue::Image(_) => {
            let alt = plain(node);
            if alt.trim().is_empty() {
                "〔图片〕".into()
            } else {
                format!("〔图片：{}〕", escape(alt.trim()))
            }
        }
        NodeValue::FootnoteReference(f) => format!("#super[\\[{}\\]]", escape(&f.name)),
        // Raw HTML is not printed, but a tag that starts a new line on the web does here too
        // (so the text reads as it does on the page, which is how it was masked).
        NodeValue::HtmlInline(h) if breaks_line(&h) => "#linebreak()".into(),
        NodeValue::HtmlInline(_) | NodeValue::Raw(_) => String::new(),
        NodeValue::TaskItem(t) => if t.symbol.is_some() { "☑ " } else { "☐ " }.to_string(),
        _ => inlines(node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(
            escape("#set $x$ *a* _b_ <l> @r"),
            "\\#set \\$x\\$ \\*a\\* \\_b\\_ \\<l\\> \\@r"
        );
        assert_eq!(escape("1. 第一"), "1\\. 第一");
        assert_eq!(string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }

    #[test]
    fn markdown_becomes_typst() {
        let t = markdown(
            "## 说明\n\n**注意：**请按时投票。\n\n- 一\n- 二\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[网站](https://example.org/x)\n",
        );
        assert!(
            t.contains("#heading(level: 2, outlined: false)[说明]"),
            "{t}"
        );
        assert!(t.contains("#strong[注意："), "{t}");
        assert!(t.contains("#list(tight: true, [一], [二])"), "{t}");
        assert!(t.contains("table.header([a], [b]), [1], [2]"), "{t}");
        assert!(t.contains("网站（https\\:\\/\\/example\\.org\\/x）"), "{t}");
    }

    #[test]
    fn chinese_lines_join_without_spaces() {
        let t = markdown("第一行\n第二行\n");
        assert!(t.starts_with("第一行第二行"), "{t}");
    }
}

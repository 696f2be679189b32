//! The theme's Tera templates, loaded and rendered the same way for every target that has
//! them (site pages under `templates/`, WeChat articles under `wechat/`), with one HTML
//! escaper ([`super::escape_html`]).

use std::path::Path;

use crate::diag::{Diagnostics, Pos};
use crate::theme::Theme;

pub struct Templates {
    tera: tera::Tera,
    /// The theme folder they come from (`templates`, `wechat`).
    folder: &'static str,
    /// What they make, for messages (`网页`, `公众号文章`).
    what: &'static str,
}

impl Templates {
    /// Every `.html` file under the theme's `folder`; `None` (with an error) when one does not
    /// parse.
    pub fn load(
        theme: &Theme,
        folder: &'static str,
        what: &'static str,
        diags: &Diagnostics,
    ) -> Option<Templates> {
        let mut tera = tera::Tera::new();
        // Same output as Tera's own escaping (`& < > " '`), written in runs between the
        // characters that need it instead of byte by byte (Tera's was a tenth of a
        // province's render time).
        tera.set_escape_fn(super::escape_html);
        let templates: Vec<(String, String)> = theme
            .under(folder)
            .filter(|(name, _)| name.ends_with(".html"))
            .filter_map(|(name, bytes)| {
                std::str::from_utf8(bytes)
                    .ok()
                    .map(|s| (name.to_string(), s.to_string()))
            })
            .collect();
        if let Err(e) = tera.add_raw_templates(templates) {
            diags.error(
                &Path::new("themes/default").join(folder),
                Pos::default(),
                format!("{what}模板有错误：{e}"),
                format!(
                    "请检查自己修改过的模板（themes/default/{folder}/）；删掉它就会使用内置模板。"
                ),
            );
            return None;
        }
        Some(Templates { tera, folder, what })
    }

    /// Render `template` straight into bytes; `None` (with an error) when it fails.
    pub fn render(
        &self,
        template: &str,
        ctx: &tera::Context,
        diags: &Diagnostics,
    ) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(16 * 1024);
        match self.tera.render_to(template, ctx, &mut out) {
            Ok(()) => Some(out),
            Err(e) => {
                let mut msg = format!("{e}");
                let mut src = std::error::Error::source(&e);
                while let Some(s) = src {
                    msg.push_str(&format!("：{s}"));
                    src = s.source();
                }
                diags.error(
                    &Path::new("themes/default").join(self.folder).join(template),
                    Pos::default(),
                    format!("生成{}时模板出错：{msg}", self.what),
                    "请检查自己修改过的模板；删掉它就会使用内置模板。",
                );
                None
            }
        }
    }

    /// [`Templates::render`] as text (templates are UTF-8 and values are strings).
    pub fn render_text(
        &self,
        template: &str,
        ctx: &tera::Context,
        diags: &Diagnostics,
    ) -> Option<String> {
        self.render(template, ctx, diags).map(|b| {
            String::from_utf8(b)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        })
    }
}

//! DESIGN §6 rule 11 (results notices), so far only: the notice lists who was elected.

use super::NoticeCx;
use super::doc::At;

pub(super) fn check(cx: &NoticeCx) {
    if cx
        .n
        .fm
        .results
        .as_ref()
        .is_none_or(|r| r.elected.is_empty())
    {
        cx.doc.warn(
            At::Origin,
            "选举结果公告没有列出当选人（results.elected）。",
            "例如 results: {elected: [{name: 王建国, post: 主任, votes: 1250}]}。",
        );
    }
}

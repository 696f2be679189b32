//! Masking the typed model after parsing: the values as YAML decoded them, after escapes
//! (`"\x31\u0033…"`), tags (`!!binary`), aliases, folds and line continuations, which the
//! scan of the raw text cannot see. Structured public phones (`Contact::phone`: every
//! `contacts` entry and objection `channels`) keep a mobile number and only they; an alias
//! of a public phone used anywhere else is masked there.
//!
//! Each model type lists its fields once (the `masked!` lines below); a field left out is
//! caught by the last guard over the outputs and by the property tests.

use std::collections::BTreeMap;

use super::{Found, Kind};
use crate::dates::{Date, Month};
use crate::model::*;

/// What masking found, by canonical key path (`candidates.2.name`), for warnings.
#[derive(Debug, Default)]
pub struct Masker {
    path: Vec<String>,
    /// A value that was masked: its path, the kind of number and the masked number.
    pub masked: Vec<(String, Kind, String)>,
    /// A value that may not hold a number at all (a path, a URL): its path and the number.
    pub refused: Vec<(String, Kind, String)>,
}

pub trait Masked {
    fn mask(&mut self, m: &mut Masker);
}

impl Masker {
    fn at(&self) -> String {
        self.path.join(".")
    }

    pub fn field<T: Masked + ?Sized>(&mut self, key: &str, v: &mut T) {
        self.path.push(key.to_string());
        v.mask(self);
        self.path.pop();
    }

    fn text(&mut self, s: &mut String) {
        if !super::may_hold(s.as_bytes()) {
            return;
        }
        let found = super::find(s);
        if found.is_empty() {
            return;
        }
        for f in &found {
            self.masked.push((self.at(), f.kind, f.masked.clone()));
        }
        *s = super::apply(s, &found);
    }

    /// A public phone: shown as given when it is a mobile number; an ID number in it is
    /// still masked.
    fn phone(&mut self, key: &str, v: &mut Option<String>) {
        let Some(s) = v else { return };
        if !super::may_hold(s.as_bytes()) {
            return;
        }
        let ids: Vec<Found> = super::find(s)
            .into_iter()
            .filter(|f| f.kind == Kind::IdNumber)
            .collect();
        if !ids.is_empty() {
            self.path.push(key.to_string());
            for f in &ids {
                self.masked.push((self.at(), f.kind, f.masked.clone()));
            }
            self.path.pop();
            *s = super::apply(s, &ids);
        }
    }

    /// A value that is a path or an address: a number in it is refused, not masked (a
    /// masked address leads nowhere).
    fn path_like(&mut self, key: &str, v: Option<&str>) {
        let Some(s) = v else { return };
        if !super::may_hold(s.as_bytes()) {
            return;
        }
        let decoded = crate::markdown::percent_decode(s);
        for f in super::find(&decoded) {
            self.path.push(key.to_string());
            self.refused.push((self.at(), f.kind, f.masked));
            self.path.pop();
        }
    }
}

impl Masked for String {
    fn mask(&mut self, m: &mut Masker) {
        m.text(self);
    }
}

impl Masked for Box<str> {
    fn mask(&mut self, m: &mut Masker) {
        if super::may_hold(self.as_bytes()) {
            let mut s = self.to_string();
            m.text(&mut s);
            *self = s.into_boxed_str();
        }
    }
}

impl<T: Masked> Masked for Option<T> {
    fn mask(&mut self, m: &mut Masker) {
        if let Some(v) = self {
            v.mask(m);
        }
    }
}

impl<T: Masked + ?Sized> Masked for Box<T> {
    fn mask(&mut self, m: &mut Masker) {
        (**self).mask(m);
    }
}

impl<T: Masked> Masked for Vec<T> {
    fn mask(&mut self, m: &mut Masker) {
        for (i, v) in self.iter_mut().enumerate() {
            m.field(&i.to_string(), v);
        }
    }
}

/// Keys are shown too (the posts of `seats`).
impl<T: Masked> Masked for BTreeMap<String, T> {
    fn mask(&mut self, m: &mut Masker) {
        if self.keys().any(|k| super::may_hold(k.as_bytes())) {
            let old = std::mem::take(self);
            for (mut k, v) in old {
                let at = k.clone();
                m.path.push(at);
                m.text(&mut k);
                m.path.pop();
                self.insert(k, v);
            }
        }
        let keys: Vec<String> = self.keys().cloned().collect();
        for k in keys {
            if let Some(v) = self.get_mut(&k) {
                m.field(&k, v);
            }
        }
    }
}

macro_rules! inert {
    ($($t:ty),*) => { $(impl Masked for $t { fn mask(&mut self, _: &mut Masker) {} })* };
}
inert!(
    bool,
    u32,
    u64,
    f64,
    NoticeKind,
    Body,
    VillageKind,
    Paper,
    Orientation,
    serde::de::IgnoredAny,
    Range,
    CommitteeSize
);

/// A date that does not exist is kept as text and quoted by diagnostics (which are masked
/// on their own); it is never shown on a page.
impl Masked for Date {
    fn mask(&mut self, m: &mut Masker) {
        if let Date::Invalid(s) = self {
            m.text(s);
        }
    }
}

impl Masked for Month {
    fn mask(&mut self, m: &mut Masker) {
        if let Month::Invalid(s) = self {
            m.text(s);
        }
    }
}

impl Masked for FindingId {
    fn mask(&mut self, m: &mut Masker) {
        if let FindingId::Text(s) = self {
            m.text(s);
        }
    }
}

macro_rules! masked {
    ($t:ty { $($f:ident),* $(,)? }) => {
        impl Masked for $t {
            fn mask(&mut self, m: &mut Masker) {
                $( m.field(stringify!($f), &mut self.$f); )*
            }
        }
    };
}

impl Masked for Contact {
    fn mask(&mut self, m: &mut Masker) {
        m.field("label", &mut self.label);
        m.phone("phone", &mut self.phone);
        m.field("address", &mut self.address);
        m.path_like("url", self.url.as_deref());
    }
}

masked!(ElectionInfo { term, year });
masked!(Profile {
    candidate_notice_min_days,
    voter_list_min_days,
    posting_min_days,
    committee_size
});
masked!(Posted { from, to });
masked!(Objection { until, channels });
masked!(Revision { on, note });
masked!(PosterSettings { paper, orientation });
masked!(AuditSubject {
    name,
    post,
    from,
    to
});
masked!(Figures {
    income,
    expenditure,
    assets,
    liabilities,
    receivables,
    payables
});
masked!(Finding {
    id,
    text,
    amount_yuan
});
masked!(Rectification {
    finding,
    status,
    due
});
masked!(RuleItem { ban, consequence });
masked!(Registration {
    total,
    added,
    removed,
    list_location
});
masked!(ElectionDetails {
    date,
    time,
    place,
    method,
    posts
});
masked!(Elected { name, post, votes });
masked!(ResultsDetails {
    voters_total,
    ballots_cast,
    elected
});

impl Masked for Candidate {
    fn mask(&mut self, m: &mut Masker) {
        m.field("name", &mut self.name);
        m.field("gender", &mut self.gender);
        m.field("ethnicity", &mut self.ethnicity);
        m.field("birth", &mut self.birth);
        m.field("education", &mut self.education);
        m.field("political_status", &mut self.political_status);
        m.field("party_joined", &mut self.party_joined);
        m.field("current_role", &mut self.current_role);
        m.field("post", &mut self.post);
        m.field("nominated_by", &mut self.nominated_by);
        m.field("incumbent", &mut self.incumbent);
        m.path_like("photo", self.photo.as_deref());
    }
}

impl Masked for SiteConfig {
    fn mask(&mut self, m: &mut Masker) {
        m.field("title", &mut self.title);
        m.field("region", &mut self.region);
        m.field("organizer", &mut self.organizer);
        m.path_like("base_url", self.base_url.as_deref());
        m.field("election", &mut self.election);
        m.field("contacts", &mut self.contacts);
        m.field("rules", &mut self.rules);
        m.field("profile", &mut self.profile);
        m.field("languages", &mut self.languages);
        m.field("posters", &mut self.posters);
    }
}

impl Masked for AreaConfig {
    fn mask(&mut self, m: &mut Masker) {
        m.field("name", &mut self.name);
        m.field("level", &mut self.level);
        m.field("code", &mut self.code);
        m.path_like("slug", self.slug.as_deref());
        m.field("contacts", &mut self.contacts);
        m.field("rules", &mut self.rules);
    }
}

impl Masked for VillageConfig {
    fn mask(&mut self, m: &mut Masker) {
        m.field("name", &mut self.name);
        m.field("code", &mut self.code);
        m.field("kind", &mut self.kind);
        m.path_like("slug", self.slug.as_deref());
        m.field("population", &mut self.population);
        m.field("households", &mut self.households);
        m.field("polling_day", &mut self.polling_day);
        m.field("seats", &mut self.seats);
        m.field("party_branch_seats", &mut self.party_branch_seats);
        m.field("supervision_seats", &mut self.supervision_seats);
        m.field("contacts", &mut self.contacts);
        m.field("rules", &mut self.rules);
        m.field("languages", &mut self.languages);
    }
}

impl Masked for FrontMatter {
    fn mask(&mut self, m: &mut Masker) {
        m.field("kind", &mut self.kind);
        m.field("title", &mut self.title);
        m.path_like("slug", self.slug.as_deref());
        m.field("number", &mut self.number);
        m.field("issued_by", &mut self.issued_by);
        m.field("issued_on", &mut self.issued_on);
        m.field("posted", &mut self.posted);
        m.field("objection", &mut self.objection);
        m.field("seal", &mut self.seal);
        m.field("revisions", &mut self.revisions);
        // `private` is never shown anywhere.
        m.field("poster", &mut self.poster);
        m.field("body", &mut self.body);
        m.field("election_day", &mut self.election_day);
        m.field("candidates", &mut self.candidates);
        m.field("audit_type", &mut self.audit_type);
        m.field("subjects", &mut self.subjects);
        m.field("period", &mut self.period);
        m.field("auditor", &mut self.auditor);
        m.field("organizer", &mut self.organizer);
        m.field("figures_yuan", &mut self.figures_yuan);
        m.field("findings", &mut self.findings);
        m.field("rectification", &mut self.rectification);
        m.field("issuer", &mut self.issuer);
        m.field("items", &mut self.items);
        m.field("registration", &mut self.registration);
        m.field("election", &mut self.election);
        m.field("results", &mut self.results);
    }
}

/// Whether a YAML text can decode to something its raw text does not show: escapes in
/// double-quoted strings, tags, anchors and aliases. Only such texts need [`Masked`] after
/// parsing (numbers written out are masked in the raw text, with exact positions).
pub fn may_decode_differently(yaml: &str) -> bool {
    memchr::memchr3(b'\\', b'!', b'*', yaml.as_bytes()).is_some()
        || memchr::memchr(b'&', yaml.as_bytes()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(yaml: &str) -> (FrontMatter, Masker) {
        let (mut v, _): (FrontMatter, _) = crate::yaml::parse_saphyr(yaml).unwrap();
        let mut m = Masker::default();
        v.mask(&mut m);
        (v, m)
    }

    #[test]
    fn escapes_tags_and_aliases_are_masked_after_decoding() {
        let (v, m) = fm(concat!(
            "title: \"\\x31\\x33\\x3812345678\"\n",
            "number: \"138\\\n  12345678\"\n",
            "issued_by: !!str 13912345678\n",
            "objection:\n  channels:\n    - {label: 村委会, phone: &p \"13612345678\"}\n",
            "issuer: *p\n",
        ));
        assert_eq!(v.title.as_deref(), Some("138****5678"));
        assert_eq!(v.number.as_deref(), Some("138****5678"));
        assert_eq!(v.issued_by.as_deref(), Some("139****5678"));
        assert_eq!(v.issuer.as_deref(), Some("136****5678"));
        // The public phone itself stays.
        let ch = &v.objection.as_ref().unwrap().channels[0];
        assert_eq!(ch.phone.as_deref(), Some("13612345678"));
        let paths: Vec<&str> = m.masked.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(paths, ["title", "number", "issued_by", "issuer"]);
    }

    #[test]
    fn an_id_number_in_a_phone_field_is_masked() {
        let (v, m) = fm("objection: {channels: [{label: x, phone: \"620102199001011234\"}]}\n");
        let ch = &v.objection.as_ref().unwrap().channels[0];
        assert_eq!(ch.phone.as_deref(), Some("620102**********34"));
        assert_eq!(m.masked[0].0, "objection.channels.0.phone");
    }

    #[test]
    fn paths_with_numbers_are_refused() {
        let (_, m) = fm("candidates: [{name: 王五, photo: \"13812345678.jpg\"}]\n");
        assert_eq!(m.refused[0].0, "candidates.0.photo");
    }
}

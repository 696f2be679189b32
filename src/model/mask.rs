//! Masking the content model after parsing (see [`crate::privacy::masker`]). Structured
//! public phones (`Contact::phone`: every `contacts` entry and objection `channels`) keep a
//! mobile number and only they; an alias of a public phone used anywhere else is masked there.
//!
//! Each model type lists its fields once (the `masked!` lines below); a field left out is
//! caught by the last guard over the outputs and by the property tests.

use super::*;
use crate::dates::{Date, Month};
use crate::privacy::masker::{Masked, Masker};

/// Types that hold no text.
macro_rules! inert {
    ($($t:ty),*) => { $(impl Masked for $t { fn mask(&mut self, _: &mut Masker) {} })* };
}
inert!(
    NoticeKind,
    Body,
    VillageKind,
    Paper,
    Orientation,
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

//! The scrubber benchmark's inputs, shared by `benches/scrub.rs` and
//! `examples/scrub_snapshot.rs`: a 1 MB postmortem and a 10,000-term identity profile.

use commonplace::scrub::IdentityProfile;

/// About 1 MB of postmortem prose: the demo corpus's narratives and sections with planted
/// identifiers of every kind, repeated with varying values.
pub fn postmortem_megabyte() -> String {
    let corpus: serde_json::Value =
        serde_json::from_str(include_str!("../../demo/corpus.json")).expect("demo corpus");
    let mut sections = Vec::new();
    for org in corpus["orgs"].as_array().expect("orgs") {
        for s in org["submissions"].as_array().expect("submissions") {
            for field in ["title", "summary", "narrative", "mitigation", "lessons"] {
                if let Some(t) = s[field].as_str() {
                    sections.push(t.to_string());
                }
            }
        }
    }
    let mut text = String::with_capacity(1 << 20);
    let mut i = 0usize;
    while text.len() < 1_000_000 {
        text.push_str(&sections[i % sections.len()]);
        text.push_str(&format!(
            "\n\n[14:{:02}] priya.raman: paged @oncall-{i} about db-{i}.prod.orbitfin.internal \
             (10.{}.{}.7) — see https://grafana.orbitfin.example/d/{i}, ticket PAY-{i}, \
             key AKIAIOSFODNN7EXAMP{:02}, mail ops{i}@orbitfin.example, customer Globex. \
             MySQL 8.0.32 raised ERROR 1213 (40001): Deadlock found on 2025-03-0{}.\n\n",
            i % 60,
            i % 250,
            (i * 7) % 250,
            i % 100,
            1 + i % 9,
        ));
        i += 1;
    }
    text
}

/// A profile with 10,000 terms: the name and aliases plus generated products and customers.
pub fn large_profile() -> IdentityProfile {
    let syllables = [
        "ka", "lo", "mi", "ra", "ten", "vo", "zu", "pel", "dor", "fin", "gra", "hul", "jex", "nor",
        "qua", "sil", "tor", "wen", "yam", "bri",
    ];
    let word = |n: usize| -> String {
        let mut w = String::new();
        let mut k = n;
        for _ in 0..3 {
            w.push_str(syllables[k % syllables.len()]);
            k /= syllables.len();
        }
        w.push_str(&(n % 97).to_string());
        w
    };
    IdentityProfile {
        name: "Orbit Financial".into(),
        aliases: vec!["OrbitFin".into(), "Orbit".into()],
        domains: vec!["orbitfin.example".into()],
        products: (0..6000).map(|n| format!("{}-svc", word(n))).collect(),
        customers: (6000..10000)
            .map(|n| format!("{} Holdings", word(n)))
            .collect(),
        extra_terms: Vec::new(),
    }
}

//! Nothing panics on any input: random text, and valid intents with one value replaced
//! by junk, go through parse → validate → plan and come out as diagnostics or a plan.

use proptest::prelude::*;
use shibori::diagnostic::Source;

fn pipeline(text: &str) {
    let source = Source {
        name: "fuzz.yaml".into(),
        text: text.to_string(),
    };
    if let Ok(loaded) = shibori::intent::load(&source) {
        let _ = shibori::plan::plan(&loaded.intent);
    }
}

const SEED: &str = include_str!("../examples/multi-az-saml/intent.yaml");

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text(text in "\\PC{0,200}") {
        pipeline(&text);
    }

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        pipeline(&String::from_utf8_lossy(&bytes));
    }

    /// Replace one scalar of a valid intent with junk: the diagnostics must place it.
    #[test]
    fn mutated_values(line in 0usize..80, junk in prop_oneof![
        Just("0.0.0.0/0".to_string()), Just("-1".to_string()), Just("[]".to_string()), Just("{}".to_string()),
        Just("255.255.255.255/33".to_string()), Just("tcp/0-65535".to_string()), Just("\"\"".to_string()),
        "[a-z0-9./-]{0,12}", "\\PC{0,8}"]) {
        let mut lines: Vec<String> = SEED.lines().map(str::to_string).collect();
        if let Some(l) = lines.get_mut(line) {
            if let Some(i) = l.find(": ") {
                l.truncate(i + 2);
                l.push_str(&junk);
            }
        }
        pipeline(&lines.join("\n"));
    }
}

//! The catalogue of rule IDs. An ID is stable: once published it keeps its meaning, and a
//! retired ID is never reused. Every ID is documented in `docs/findings.md` (one section
//! per ID, with its fix); a test holds the catalogue and that page in step.
//!
//! Families: `SHB0xx` the intent (`check`; `SHB05x` are warnings), `SHB1xx` the proof
//! (`verify`), `SHB2xx` rendered files (`render --check`).

use super::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    IntentSyntax,
    IntentSchema,
    UnsupportedVersion,
    InvalidName,
    InvalidCidr,
    InvalidAwsId,
    VpcCidrs,
    SubnetPlacement,
    TargetNetworks,
    ClientCidr,
    EndpointSetting,
    TargetDestination,
    InvalidPort,
    UserGroups,
    NaclSettings,
    NaclCapacity,
    AddressFamily,
    SmallTargetNetwork,
    AllProtocols,
    FullTunnelWithoutInternet,
    SplitTunnelCoversAll,
    ImpliedSurplus,
    AwsQuota,
    VpcExposure,
    OpenProtocols,
    MissingFlow,
    SurplusFlow,
    ExcessRule,
    Unresolved,
    Unmapped,
    RenderDrift,
}

impl Rule {
    /// Every rule, in ID order.
    pub const ALL: [Rule; 31] = [
        Rule::IntentSyntax,
        Rule::IntentSchema,
        Rule::UnsupportedVersion,
        Rule::InvalidName,
        Rule::InvalidCidr,
        Rule::InvalidAwsId,
        Rule::VpcCidrs,
        Rule::SubnetPlacement,
        Rule::TargetNetworks,
        Rule::ClientCidr,
        Rule::EndpointSetting,
        Rule::TargetDestination,
        Rule::InvalidPort,
        Rule::UserGroups,
        Rule::NaclSettings,
        Rule::NaclCapacity,
        Rule::AddressFamily,
        Rule::SmallTargetNetwork,
        Rule::AllProtocols,
        Rule::FullTunnelWithoutInternet,
        Rule::SplitTunnelCoversAll,
        Rule::ImpliedSurplus,
        Rule::AwsQuota,
        Rule::VpcExposure,
        Rule::OpenProtocols,
        Rule::MissingFlow,
        Rule::SurplusFlow,
        Rule::ExcessRule,
        Rule::Unresolved,
        Rule::Unmapped,
        Rule::RenderDrift,
    ];

    /// `(id, kebab-case name, default severity, one-line description)`.
    const fn meta(self) -> (&'static str, &'static str, Severity, &'static str) {
        use Severity::{Error as E, Warning as W};
        match self {
            Rule::IntentSyntax => (
                "SHB001",
                "intent-syntax",
                E,
                "The intent file is empty or not YAML/JSON",
            ),
            Rule::IntentSchema => (
                "SHB002",
                "intent-schema",
                E,
                "An unknown, duplicated, missing or mistyped key in the intent",
            ),
            Rule::UnsupportedVersion => (
                "SHB003",
                "unsupported-version",
                E,
                "The intent's version is not one this shibori reads",
            ),
            Rule::InvalidName => (
                "SHB004",
                "invalid-name",
                E,
                "A name that cannot become a resource name",
            ),
            Rule::InvalidCidr => (
                "SHB005",
                "invalid-cidr",
                E,
                "A value that is not a CIDR of the family the field takes, or has host bits set",
            ),
            Rule::InvalidAwsId => (
                "SHB006",
                "invalid-aws-id",
                E,
                "A value that is not an AWS ID of the expected kind",
            ),
            Rule::VpcCidrs => (
                "SHB007",
                "vpc-cidrs",
                E,
                "The VPC's CIDR blocks overlap each other",
            ),
            Rule::SubnetPlacement => (
                "SHB008",
                "subnet-placement",
                E,
                "A subnet outside the VPC, or overlapping another subnet",
            ),
            Rule::TargetNetworks => (
                "SHB009",
                "target-networks",
                E,
                "Target networks that AWS cannot associate",
            ),
            Rule::ClientCidr => (
                "SHB010",
                "client-cidr",
                E,
                "A client CIDR of the wrong size, or overlapping the VPC or a destination",
            ),
            Rule::EndpointSetting => (
                "SHB011",
                "endpoint-setting",
                E,
                "An endpoint setting that AWS does not offer",
            ),
            Rule::TargetDestination => (
                "SHB012",
                "target-destination",
                E,
                "A target whose destination is missing, ambiguous or misplaced",
            ),
            Rule::InvalidPort => (
                "SHB013",
                "invalid-port",
                E,
                "A target without ports, or a port entry that does not parse",
            ),
            Rule::UserGroups => (
                "SHB014",
                "user-groups",
                E,
                "User groups that the authentication cannot carry",
            ),
            Rule::NaclSettings => (
                "SHB015",
                "nacl-settings",
                E,
                "NACL numbering, quota or ephemeral range out of bounds",
            ),
            Rule::NaclCapacity => (
                "SHB016",
                "nacl-capacity",
                E,
                "The plan needs more NACL entries or rule numbers than the ACL has",
            ),
            Rule::AddressFamily => (
                "SHB017",
                "address-family",
                E,
                "IPv4, IPv6 and dual-stack settings that disagree with each other or the targets",
            ),
            Rule::SmallTargetNetwork => (
                "SHB050",
                "small-target-network",
                W,
                "A target network with little room beside the endpoint's ENIs",
            ),
            Rule::AllProtocols => (
                "SHB051",
                "all-protocols",
                W,
                "A target opens every protocol and port",
            ),
            Rule::FullTunnelWithoutInternet => (
                "SHB052",
                "full-tunnel-without-internet",
                W,
                "Full tunnel without a 0.0.0.0/0 target: clients lose the internet",
            ),
            Rule::SplitTunnelCoversAll => (
                "SHB053",
                "split-tunnel-covers-all",
                W,
                "Split tunnel with a 0.0.0.0/0 target tunnels everything anyway",
            ),
            Rule::ImpliedSurplus => (
                "SHB054",
                "implied-surplus",
                W,
                "The intent itself lets a group reach a target it does not name",
            ),
            Rule::AwsQuota => (
                "SHB055",
                "aws-quota",
                W,
                "The plan exceeds an AWS default quota",
            ),
            Rule::VpcExposure => (
                "SHB056",
                "vpc-exposure",
                W,
                "An all-users authorization also decides VPC addresses that no target names",
            ),
            Rule::OpenProtocols => (
                "SHB057",
                "open-protocols",
                W,
                "An `all` outside target passes other IP protocols into a narrower target's range",
            ),
            Rule::MissingFlow => (
                "SHB101",
                "missing-flow",
                E,
                "An intended flow that the rules do not allow",
            ),
            Rule::SurplusFlow => (
                "SHB102",
                "surplus-flow",
                E,
                "A flow that the rules allow but the intent does not",
            ),
            Rule::ExcessRule => (
                "SHB103",
                "excess-rule",
                E,
                "A rule that permits more than the intended flows need at its layer",
            ),
            Rule::Unresolved => (
                "SHB104",
                "unresolved",
                E,
                "An artifact construct or reference that verify cannot resolve",
            ),
            Rule::Unmapped => (
                "SHB105",
                "unmapped",
                E,
                "A resource that no item of the intent accounts for",
            ),
            Rule::RenderDrift => (
                "SHB201",
                "render-drift",
                E,
                "A rendered file on disk is not what render writes",
            ),
        }
    }

    /// Whether the rule is about the intent file itself (`SHB0xx`).
    pub fn is_intent(self) -> bool {
        self.id().starts_with("SHB0")
    }

    /// `SHB101`.
    pub fn id(self) -> &'static str {
        self.meta().0
    }

    /// `missing-flow`.
    pub fn name(self) -> &'static str {
        self.meta().1
    }

    pub fn default_severity(self) -> Severity {
        self.meta().2
    }

    pub fn description(self) -> &'static str {
        self.meta().3
    }

    /// The fragment of the rule's section in `docs/findings.md` (`shb101`).
    pub fn anchor(self) -> String {
        self.id().to_ascii_lowercase()
    }

    /// Where the rule is documented, when the package names its repository.
    pub fn help_uri(self) -> Option<String> {
        let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
        (!repo.is_empty()).then(|| format!("{repo}/blob/main/docs/findings.md#{}", self.anchor()))
    }

    /// The rule of an intent diagnostic that its producer did not name, from the YAML
    /// path it concerns: each section of the intent has one family of checks.
    pub fn for_intent_path(path: Option<&str>) -> Rule {
        let Some(path) = path.filter(|p| !p.is_empty()) else {
            return Rule::IntentSchema;
        };
        let section = path.split(['.', '[']).next().unwrap_or("");
        let in_target = |field: &str| {
            path.split_once("].")
                .is_some_and(|(_, rest)| rest == field || rest.starts_with(&format!("{field}[")))
        };
        match section {
            "version" => Rule::UnsupportedVersion,
            "name" => Rule::InvalidName,
            "vpc" => Rule::VpcCidrs,
            "subnets" => Rule::SubnetPlacement,
            "target_networks" => Rule::TargetNetworks,
            "endpoint" if path == "endpoint.client_cidr" => Rule::ClientCidr,
            "endpoint" => Rule::EndpointSetting,
            "targets" if in_target("ports") => Rule::InvalidPort,
            "targets" if in_target("groups") => Rule::UserGroups,
            "targets" => Rule::TargetDestination,
            "nacl" => Rule::NaclSettings,
            _ => Rule::IntentSchema,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_ordered() {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn paths_map_to_their_section() {
        assert_eq!(
            Rule::for_intent_path(Some("targets[2].ports[0]")),
            Rule::InvalidPort
        );
        assert_eq!(
            Rule::for_intent_path(Some("targets[2].groups")),
            Rule::UserGroups
        );
        assert_eq!(
            Rule::for_intent_path(Some("targets[2].hosts[1]")),
            Rule::TargetDestination
        );
        assert_eq!(
            Rule::for_intent_path(Some("endpoint.client_cidr")),
            Rule::ClientCidr
        );
        assert_eq!(Rule::for_intent_path(None), Rule::IntentSchema);
    }
}

//! Client VPN routes: on association AWS adds the route to the VPC's CIDRs itself (see
//! `docs/audit.md`); `describe-client-vpn-routes` shows it with origin `associate`
//! (a route added by hand has origin `add-route`). The planner never emits it and the
//! verifier reads the VPC's own addresses as routed, so a deployed local route is implied,
//! not a rule to judge.

/// Is a deployed route (`Origin`, `Type` of `describe-client-vpn-routes`) AWS's local route?
pub fn is_local(origin: Option<&str>, route_type: Option<&str>) -> bool {
    origin.is_some_and(|o| o.eq_ignore_ascii_case("associate"))
        || route_type.is_some_and(|t| t.eq_ignore_ascii_case("local"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn local_is_the_route_added_on_association() {
        assert!(super::is_local(Some("associate"), Some("Nat")));
        assert!(!super::is_local(Some("add-route"), Some("Nat")));
        assert!(!super::is_local(None, None));
    }
}

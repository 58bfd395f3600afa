//! Where each target's traffic goes, read the way AWS reads authorization rules (see
//! `docs/semantics.md`, "Outside targets yield"). An in-VPC target means its subnet
//! or hosts, literally. An outside target (the internet, a partner or corporate
//! supernet) means its CIDR **minus the VPC CIDRs and minus every strictly narrower
//! target's destination**: AWS decides each address by the longest matching
//! authorization rule, and documents `0.0.0.0/0` as "any destination not defined by
//! other authorization rules". The planner, `verify` and `explain` all use this one
//! reading, so they agree on who may reach what.

use super::{Destination, Intent};
use crate::net::{contains, within, CidrSet, Prefix};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;

/// One target's effective destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective<N = Ipv4Net> {
    /// The addresses the target owns, as canonical prefixes.
    pub nets: Vec<N>,
    /// Outside targets only: the CIDRs taken out of the written one (VPC CIDRs and
    /// narrower outside targets' CIDRs, outermost first), empty when none is.
    pub except: Vec<N>,
    /// Outside targets only: the targets (indexes) whose destinations lie strictly
    /// inside this one's CIDR, in intent order.
    pub yields_to: Vec<usize>,
}

impl<N: Prefix> Intent<N> {
    /// Every target's effective destination, in target order.
    pub fn effective_destinations(&self) -> Vec<Effective<N>> {
        // Every written destination CIDR, with the targets that name it.
        let mut by_cidr: BTreeMap<N, Vec<usize>> = BTreeMap::new();
        for (i, t) in self.targets.iter().enumerate() {
            match &t.destination {
                Destination::Subnet { cidrs, .. } => {
                    for c in cidrs {
                        by_cidr.entry(*c).or_default().push(i);
                    }
                }
                Destination::Outside { cidr } => by_cidr.entry(*cidr).or_default().push(i),
            }
        }
        self.targets
            .iter()
            .enumerate()
            .map(|(i, t)| match &t.destination {
                Destination::Subnet { cidrs, .. } => Effective {
                    nets: cidrs.clone(),
                    except: Vec::new(),
                    yields_to: Vec::new(),
                },
                Destination::Outside { cidr } => self.carve(i, cidr, &by_cidr),
            })
            .collect()
    }

    fn carve(&self, me: usize, cidr: &N, by_cidr: &BTreeMap<N, Vec<usize>>) -> Effective<N> {
        let in_vpc = |c: &N| self.vpc.cidrs.iter().any(|v| contains(v, c));
        let mut removed: Vec<N> = self
            .vpc
            .cidrs
            .iter()
            .filter(|v| contains(cidr, v))
            .copied()
            .collect();
        let mut yields_to: Vec<usize> = Vec::new();
        for (inner, owners) in within(by_cidr, cidr).filter(|(c, _)| *c != cidr) {
            // The same CIDR is not narrower: targets that share it share it.
            yields_to.extend(owners.iter().copied().filter(|&o| o != me));
            if !in_vpc(inner) {
                removed.push(*inner);
            }
        }
        yields_to.sort_unstable();
        yields_to.dedup();
        let nets = CidrSet::from_nets(&[*cidr])
            .difference(&CidrSet::from_nets(&removed))
            .nets()
            .to_vec();
        // Outermost removed CIDRs only, in address order: one inside another says no more.
        removed.sort_by_key(|c| (c.prefix_len(), *c));
        let mut except: Vec<N> = Vec::new();
        for c in removed {
            if !except.iter().any(|e| contains(e, &c)) {
                except.push(c);
            }
        }
        except.sort();
        Effective {
            nets,
            except,
            yields_to,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Source;
    use crate::intent::{load, Destination};

    fn intent(targets: &str) -> crate::intent::Intent {
        let text = format!(
            "version: 1\nname: t\nvpc: {{cidr: 10.0.0.0/16}}\nendpoint: {{client_cidr: 172.31.0.0/22, split_tunnel: false, authentication: saml}}\n\
             subnets:\n  vpn-a: {{cidr: 10.0.0.0/24, az: ap-northeast-1a}}\n  app: {{cidr: 10.0.1.0/24}}\n\
             target_networks: [vpn-a]\ntargets:\n{targets}"
        );
        match load(&Source {
            name: "t.yaml".into(),
            text,
        }) {
            Ok(l) => l.intent,
            Err(d) => panic!("{d:?}"),
        }
    }

    #[test]
    fn outside_targets_yield_to_the_vpc_and_narrower_targets() {
        let i = intent(
            "  - {name: internet, cidr: 0.0.0.0/0, ports: [https]}\n\
             \x20 - {name: corp, cidr: 10.64.0.0/10, ports: [https]}\n\
             \x20 - {name: ops, cidr: 10.65.0.0/16, ports: [rdp], groups: [ops]}\n\
             \x20 - {name: app, subnet: app, ports: [ssh], groups: [eng]}\n",
        );
        let e = i.effective_destinations();
        let n = |s: &str| -> ipnet::Ipv4Net { s.parse().unwrap() };
        assert_eq!(e[0].except, vec![n("10.0.0.0/16"), n("10.64.0.0/10")]);
        assert_eq!(e[0].yields_to, vec![1, 2, 3]);
        assert_eq!(e[1].except, vec![n("10.65.0.0/16")]);
        assert_eq!(e[1].yields_to, vec![2]);
        assert!(e[2].except.is_empty() && e[3].except.is_empty());
        let size = |nets: &[ipnet::Ipv4Net]| crate::net::CidrSet::from_nets(nets).size();
        assert_eq!(size(&e[0].nets), (1u128 << 32) - (1 << 16) - (1 << 22));
        assert_eq!(size(&e[1].nets), (1 << 22) - (1 << 16));
        assert!(matches!(
            i.targets[3].destination,
            Destination::Subnet { .. }
        ));
    }
}

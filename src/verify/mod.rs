//! verify: read rendered artifacts back into a rule set of their own and prove that
//! they allow exactly the intended flows (SPEC §5).

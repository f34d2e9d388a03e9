"""The published TARP 1986 table the simulated one is set beside."""

SEVERITIES = ("minor", "major")
OUTCOMES = ("silent", "unresolved", "resolved", "resolved_quickly")
TARP_GROUPS = (*SEVERITIES, *OUTCOMES)  # the order tables and figures list them in
# TARP (Technical Assistance Research Programs), Consumer Complaint Handling in America:
# An Update Study, 1986: share of customers who would buy again after a failure, by
# severity and outcome (crmsim's default repurchase table, docs/config.md).
TARP_1986 = {
    ("minor", "silent"): 0.37, ("major", "silent"): 0.09,
    ("minor", "unresolved"): 0.46, ("major", "unresolved"): 0.19,
    ("minor", "resolved"): 0.70, ("major", "resolved"): 0.54,
    ("minor", "resolved_quickly"): 0.95, ("major", "resolved_quickly"): 0.82,
}

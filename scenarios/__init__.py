"""Scenarios: how inputs become work items, which team runs each, how results become records."""

SCENARIOS = ("seed_from_pdf", "curate", "evolve_instruct", "glan", "persona_qa", "preference", "self_instruct", "evol_quality", "magpie", "customer_dialogue", "agentinstruct", "custom")

"""agentsynth: multi-agent synthetic data generation on AutoGen."""

__version__ = "0.1.0"

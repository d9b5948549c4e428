"""Character language model: corpus normalisation, estimation, ARPA reference reader, kenlm runtime."""

from restore.lm.model import CharLanguageModel, default_model_path

__all__ = ["CharLanguageModel", "default_model_path"]

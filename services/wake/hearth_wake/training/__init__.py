"""The wake-model training recipe (espeak-ng speech -> speech embeddings -> numpy MLP)."""

from hearth_wake.training.recipe import PROFILES, RECIPE_VERSION, TrainReport, train_model

__all__ = ["PROFILES", "RECIPE_VERSION", "TrainReport", "train_model"]

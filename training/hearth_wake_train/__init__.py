"""Wake-word training: `hearth wake train` makes a model from synthesized speech (espeak-ng
speech -> speech embeddings -> numpy MLP), `hearth wake enroll` fine-tunes one on the owner's voice.

Layering: this package depends on the wake engine's public modules (`hearth_wake.engines`,
`.embedding`, `.speech_embedding`, `.wake_model`) and on the base (`hearth`), never the reverse:
the wake service runs without it, and nothing in `hearth_wake` imports it. It is installed with
the `wake-train` extra.
"""

from hearth_wake_train.recipe import PROFILES, RECIPE_VERSION, TrainReport, train_model

__all__ = ["PROFILES", "RECIPE_VERSION", "TrainReport", "train_model"]

"""briefing: local, offline news summarisation and briefing generator.

Nothing here reaches a model hub: the environment is set offline before any Hugging Face
library is imported, and their own progress bars are replaced by ours.
"""

import os

for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error",
}.items():
    os.environ.setdefault(_key, _value)

__version__ = "0.1.0"

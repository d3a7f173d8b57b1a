"""Which language a text is written in: py3langid's naive Bayes model (BSD-3-Clause,
shipped inside the package, 142 labels), used by the `language` check.

The model ships LZMA-compressed and takes ~2.5 s to decompress, longer than every
other check together, so the decompressed arrays are kept in the user's cache
folder (`$XDG_CACHE_HOME/health-handouts/`, written atomically) and later runs
load them in ~0.3 s. Without a usable cache the model is decompressed each time.
The identifier and numpy are imported only when a check asks for a language.
"""

from __future__ import annotations

import contextlib
import io
import lzma
import os
from array import array
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError
from pipeline.fsutil import write_bytes

_ALIASES = {"nb": "no", "fil": "tl", "iw": "he", "in": "id", "jw": "jv"}
"""gettext language subtags the model knows under another code."""


def model_code(lang: str) -> str | None:
    """The model's code for a gettext id (`pt_BR` → `pt`), or None when it cannot tell it."""
    primary = lang.split("_")[0]
    code = _ALIASES.get(primary, primary)
    return code if code in _labels() else None


def probabilities(text: str) -> dict[str, float]:
    """Each language the model knows → the probability that `text` is written in it."""
    return dict(_identifier().rank(text))


@cache
def _labels() -> frozenset[str]:
    return frozenset(_identifier().labels)


def cache_file() -> Path:
    """Where the decompressed model is kept between runs."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    version = metadata.version("py3langid")
    return Path(base) / "health-handouts" / f"py3langid-{version}.npz"


def _unsigned(values: Any) -> array[int]:
    """A numpy array of unsigned integers as the stdlib array the model walks."""
    typecode = {2: "H", 4: "I", 8: "L"}[values.dtype.itemsize]
    result = array(typecode)
    result.frombytes(values.tobytes())
    return result


def _build(npz: Any) -> Any:
    """The identifier from the arrays of the model file (`npz` as numpy loads it)."""
    from py3langid.langid import LanguageIdentifier

    with npz as data:
        return LanguageIdentifier(
            data["ptc"],
            data["pc"],
            data["classes"].tolist(),
            _unsigned(data["nextmove"]),
            data["out_feat"].tolist(),
            norm_probs=True,
            tk_row=_unsigned(data["nextmove_row"]),
        )


@cache
def _identifier() -> Any:
    """The model with normalised probabilities, from the cache when it is there."""
    import numpy as np
    from py3langid import langid

    cached = cache_file()
    try:
        return _build(np.load(cached, allow_pickle=False))
    except Exception:  # missing, unreadable or damaged cache: decompress the shipped model
        pass
    with lzma.open(langid.MODEL_DIR / langid.MODEL_FILE) as packed:
        raw = packed.read()
    with contextlib.suppress(PipelineError):  # no cache where it cannot be written
        write_bytes(cached, raw, durable=False)
    return _build(np.load(io.BytesIO(raw), allow_pickle=False))

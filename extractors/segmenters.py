"""Word segmenters for the character tokenizer, and obtaining the pkuseg model one of them needs.

* ``lac`` (the default): the words of Baidu's LAC model, written by the ``policykg_ner`` component
  in the same pass that finds the entities (nothing extra to load or download);
* ``pkuseg``: the model from the PyPI source package ``pkuseg==0.0.25``, fetched once by
  ``policykg setup`` into a cache (a build never downloads it; without it, it fails clearly);
* ``jieba`` (its bundled dictionary) and ``zh_core_web`` (an installed spaCy ``zh_core_web_*``).

``auto`` resolves to ``$POLICYKG_SEGMENTER`` or :data:`DEFAULT_SEGMENTER`, deterministically.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

__all__ = ["DEFAULT_SEGMENTER", "SEGMENTERS", "ModelUnavailable", "check_segmenter", "fetch_pkuseg_model",
           "load_segmenter",
           "pkuseg_model_dir", "resolve_segmenter"]

log = logging.getLogger(__name__)

PKUSEG_SDIST = "pkuseg==0.0.25"
PKUSEG_FILES = ("features.pkl", "weights.npz")
ZH_MODELS = ("zh_core_web_trf", "zh_core_web_lg", "zh_core_web_md", "zh_core_web_sm")
SEGMENTERS = ("lac", "pkuseg", "jieba", "zh_core_web")
#: What "auto" means (measured, see README "Accuracy"): LAC's words come with the NER pass for free.
DEFAULT_SEGMENTER = "lac"


class ModelUnavailable(RuntimeError):
    """A requested segmenter model is not installed and could not be obtained."""


def model_cache_dir() -> Path:
    """Where models are cached: ``$POLICYKG_MODEL_DIR`` or ``~/.cache/policykg/models``."""
    env = os.environ.get("POLICYKG_MODEL_DIR")
    return Path(env) if env else Path.home() / ".cache" / "policykg" / "models"


def pkuseg_model_dir() -> Path:
    """The folder holding pkuseg's default model (``features.pkl``, ``weights.npz``)."""
    return model_cache_dir() / "pkuseg-0.0.25" / "default"


def _has_pkuseg_model(folder: Path) -> bool:
    return all((folder / name).is_file() for name in PKUSEG_FILES)


def fetch_pkuseg_model(force: bool = False) -> Path:
    """Download the ``pkuseg`` sdist with pip and extract its default model into the cache.

    pip's metadata step imports numpy and cython, so it runs without build isolation in this
    interpreter (both are installed with the project). Returns the model folder.
    """
    target = pkuseg_model_dir()
    if _has_pkuseg_model(target) and not force:
        return target
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", PKUSEG_SDIST, "--no-deps",
               "--no-build-isolation", "-q", "-d", tmp]
        done = subprocess.run(cmd, capture_output=True, text=True)
        archives = list(Path(tmp).glob("pkuseg-*.tar.gz"))
        if done.returncode != 0 or not archives:
            raise ModelUnavailable(f"pip could not download {PKUSEG_SDIST}: {done.stderr.strip()[-500:]}")
        staging = Path(tmp) / "model"
        staging.mkdir()
        with tarfile.open(archives[0]) as archive:
            for member in archive.getmembers():
                if member.isfile() and "/models/default/" in member.name and member.name.endswith(PKUSEG_FILES):
                    with archive.extractfile(member) as src, open(staging / Path(member.name).name, "wb") as dst:
                        shutil.copyfileobj(src, dst)
        if not _has_pkuseg_model(staging):
            raise ModelUnavailable(f"{archives[0].name} holds no pkuseg/models/default model")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(staging, partial)
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)  # atomic: a half-copied model is never mistaken for a whole one
    return target


def installed_zh_model() -> str | None:
    """The name of an installed ``zh_core_web_*`` package, largest first, or None."""
    return next((name for name in ZH_MODELS if importlib.util.find_spec(name) is not None), None)


def resolve_segmenter(name: str = "auto") -> str:
    """The segmenter a request means: "auto" is ``$POLICYKG_SEGMENTER`` if set, else
    :data:`DEFAULT_SEGMENTER` — never a guess from what happens to be installed.

    >>> resolve_segmenter("pkuseg"), resolve_segmenter("auto") in SEGMENTERS
    ('pkuseg', True)
    """
    chosen = os.environ.get("POLICYKG_SEGMENTER", "auto") if name == "auto" else name
    chosen = DEFAULT_SEGMENTER if chosen == "auto" else chosen
    if chosen not in SEGMENTERS:
        raise ValueError(f"unknown segmenter {chosen!r}: use auto, {', '.join(SEGMENTERS)}")
    return chosen


def check_segmenter(name: str = "auto") -> str:
    """The segmenter ``name`` resolves to; raises :class:`ModelUnavailable` when its model is missing."""
    chosen = resolve_segmenter(name)
    if chosen == "pkuseg" and not _has_pkuseg_model(pkuseg_model_dir()):
        raise ModelUnavailable(f"--segmenter pkuseg: no pkuseg model in {pkuseg_model_dir()}. Run `policykg setup` "
                               "to download it (or use --segmenter lac, which needs no download)")
    if chosen == "zh_core_web" and not installed_zh_model():
        raise ModelUnavailable(f"no zh_core_web_* model installed (looked for {', '.join(ZH_MODELS)})")
    return chosen


@cache
def load_segmenter(name: str = "auto") -> Callable[[str], list[str]] | None:
    """A callable ``text -> list[str]`` of words, loaded once per process; None for "lac", whose
    words come from the ``policykg_ner`` component (one model pass for words and entities).

    ``name``: "auto" (see :func:`resolve_segmenter`), "lac", "pkuseg", "jieba" or "zh_core_web".
    An explicit model that is not installed raises :class:`ModelUnavailable`, never a fallback.
    """
    chosen = check_segmenter(name)
    if name == "auto":
        log.info("segmenter: %s (auto)", chosen)
    if chosen == "lac":
        return None
    if chosen == "zh_core_web":
        return _zh_core_web_segmenter(installed_zh_model())
    if chosen == "pkuseg":
        return _pkuseg_segmenter()
    return _jieba_segmenter()


def _pkuseg_segmenter():
    import spacy_pkuseg

    # spacy-pkuseg prints "features.msgpack does not exist, try loading features.pkl" on every load
    # of the PyPI model (a pickle): true, harmless, and not the user's business
    with contextlib.redirect_stderr(io.StringIO()) as said:
        seg = spacy_pkuseg.pkuseg(model_name=str(pkuseg_model_dir()))
    for line in said.getvalue().splitlines():
        log.debug("spacy-pkuseg: %s", line)
    return seg.cut


def _jieba_segmenter():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return lambda text: list(jieba.cut(text, HMM=True))


def _zh_core_web_segmenter(model: str):
    import spacy

    nlp = spacy.load(model, exclude=["tagger", "parser", "ner", "attribute_ruler", "lemmatizer", "senter"])
    return lambda text: [t.text for t in nlp.make_doc(text)]

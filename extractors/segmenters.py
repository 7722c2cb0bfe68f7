"""Word segmenters for the character tokenizer, and obtaining the pkuseg model they need.

Preference order for ``"auto"``: an installed ``zh_core_web_*`` spaCy model (its tokenizer), then
the pkuseg model from the PyPI source package ``pkuseg==0.0.25`` (downloaded once with pip and
cached), then jieba's bundled dictionary, with a warning saying why.
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
from functools import cache
from pathlib import Path

__all__ = ["ModelUnavailable", "fetch_pkuseg_model", "load_segmenter", "pkuseg_model_dir"]

log = logging.getLogger(__name__)

PKUSEG_SDIST = "pkuseg==0.0.25"
PKUSEG_FILES = ("features.pkl", "weights.npz")
ZH_MODELS = ("zh_core_web_trf", "zh_core_web_lg", "zh_core_web_md", "zh_core_web_sm")


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


@cache
def load_segmenter(name: str = "auto"):
    """A callable ``text -> list[str]`` of words. Loaded once per process.

    ``name``: "auto", "zh_core_web" (an installed zh_core_web_* model), "pkuseg" or "jieba".
    ``$POLICYKG_SEGMENTER`` overrides "auto"; ``$POLICYKG_OFFLINE=1`` forbids the download.
    """
    if name == "auto":
        name = os.environ.get("POLICYKG_SEGMENTER", "auto")
    if name in ("auto", "zh_core_web"):
        model = installed_zh_model()
        if model:
            return _zh_core_web_segmenter(model)
        if name == "zh_core_web":
            raise ModelUnavailable(f"no zh_core_web_* model installed (looked for {', '.join(ZH_MODELS)})")
    if name in ("auto", "pkuseg"):
        try:
            return _pkuseg_segmenter()
        except ModelUnavailable as err:
            if name == "pkuseg":
                raise
            log.warning("pkuseg model unavailable (%s); falling back to jieba. Run `policykg setup` "
                        "to download it.", err)
    if name in ("auto", "jieba"):
        return _jieba_segmenter()
    raise ValueError(f"unknown segmenter {name!r}: use auto, zh_core_web, pkuseg or jieba")


def _pkuseg_segmenter():
    folder = pkuseg_model_dir()
    if not _has_pkuseg_model(folder):
        if os.environ.get("POLICYKG_OFFLINE") == "1":
            raise ModelUnavailable(f"no pkuseg model in {folder} and POLICYKG_OFFLINE=1")
        log.info("downloading the pkuseg model (%s) into %s", PKUSEG_SDIST, folder)
        folder = fetch_pkuseg_model()
    import spacy_pkuseg

    # spacy-pkuseg prints "features.msgpack does not exist, try loading features.pkl" on every load
    # of the PyPI model (a pickle): true, harmless, and not the user's business
    with contextlib.redirect_stderr(io.StringIO()) as said:
        seg = spacy_pkuseg.pkuseg(model_name=str(folder))
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

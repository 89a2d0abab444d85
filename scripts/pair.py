"""Debug one pair of a store: features, probability and the alignment, sentence by sentence.

    python scripts/pair.py STORE A B
"""
import sys

from unspun.embed import get_encoder
from unspun.link import compare
from unspun.link.classify import derivation_probability
from unspun.settings import Settings
from unspun.store import Store

store = Store(sys.argv[1])
s = Settings()
model = get_encoder(s.encoder).model_id
a, b = store.get_article(sys.argv[2], model), store.get_article(sys.argv[3], model)
c = compare(a, b, s, store)
print("linked", c.linked, c.kind, round(c.confidence, 3), c.direction, "derived", c.derived.id)
print({k: v for k, v in c.features.as_dict().items()})
print("evidence", getattr(c, "evidence", None))
for r in c.alignment:
    d = " ".join(c.derived.sentences[i].text for i in r["derived"])[:110]
    so = " ".join(c.source.sentences[j].text for j in r["source"])[:110]
    print(f"{r['role']:11s} {str(r['derived']):8s} {str(r['source']):8s} {r['score']}  D:{d!r}\n{'':40s}S:{so!r}")

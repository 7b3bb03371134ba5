#!/usr/bin/env python3
"""Writes a deterministic product catalog for kanava's catalog benchmark (issue #6).

    python3 bench/gen_catalog.py --products 5000 --out bench/out/catalog-5000

The site has the 8 audiences of bench/gen_corpus.py's kanava format, a home page, 20
categories (a few restricted by role), and N products split between YAML files and a `;`
CSV "ERP export", each with 6 specs and list/silver/gold prices.
"""
import argparse
import os
import random

CONFIG = """title: Catalog benchmark
audience:
  axes:
    tier: { values: [public, registered, silver, gold], ordered: true, default: registered }
    role: { values: [sales, technical, marketing] }
  audiences:
    public: { tier: public }
    registered-sales: { tier: registered, role: [sales] }
    registered-technical: { tier: registered, role: [technical] }
    silver-sales: { tier: silver, role: [sales] }
    silver-technical: { tier: silver, role: [technical] }
    gold-sales: { tier: gold, role: [sales] }
    gold-technical: { tier: gold, role: [technical] }
    staff: { all: true }
catalog:
  title: Products
  files: [data/*.yaml, data/erp.csv]
  currency: EUR
  categories:
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(os.path.join(a.out, "content"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "data"), exist_ok=True)
    cats = [f"cat-{i:02}" for i in range(20)]
    config = CONFIG
    for i, c in enumerate(cats):
        role = ", role: [technical]" if i % 5 == 4 else ""
        config += f"    {c}: {{ title: Category {i}{role} }}\n"
    with open(os.path.join(a.out, "kanava.yaml"), "w") as f:
        f.write(config)
    with open(os.path.join(a.out, "content", "_index.md"), "w") as f:
        f.write("---\ntitle: Home\n---\nThe catalog benchmark.\n")
    yaml_n = a.products // 2
    files = {}
    for n in range(yaml_n):
        files.setdefault(f"data/part-{n // 500:02}.yaml", []).append(n)
    for path, ids in files.items():
        with open(os.path.join(a.out, path), "w") as f:
            for n in ids:
                list_price = rng.randint(2000, 2000000) / 100
                f.write(f"- sku: P-{n:05}\n  name: Product {n}\n  category: {cats[n % 20]}\n")
                f.write(f"  summary: A product for benchmark purposes, number {n}.\n")
                f.write("  description: |\n    Installs in a day. **Low noise**, high efficiency.\n")
                f.write("  specs:\n")
                for s in range(6):
                    f.write(f"    Spec {s}: {rng.randint(1, 999)} units\n")
                f.write(f"  prices: {{ list: {list_price:.2f}, silver: {list_price * 0.8:.2f}, gold: {list_price * 0.75:.2f} }}\n")
    with open(os.path.join(a.out, "data", "erp.csv"), "w") as f:
        f.write("sku;name;category;summary;prices.list;prices.silver;prices.gold;" + ";".join(f"specs.Spec {s}" for s in range(6)) + "\n")
        for n in range(yaml_n, a.products):
            p = rng.randint(2000, 2000000) / 100
            specs = ";".join(str(rng.randint(1, 999)) for _ in range(6))
            f.write(f"P-{n:05};Product {n};{cats[n % 20]};ERP product {n};{p:.2f};{p * 0.8:.2f};{p * 0.75:.2f};{specs}\n".replace(".", ",", 0))


if __name__ == "__main__":
    main()

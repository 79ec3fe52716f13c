"""Detailed input–output tables for the GDP cost of shortfalls, with their accounting checks.

* ``USA``: BEA 2017 benchmark, detail level, 402 industries × 402 industries (million USD).
  Built from the Use table at producers' prices before redefinitions, the Make table and the
  Import matrix exactly as the summary tables (:func:`tables.industry_technology`): market
  shares ``D = V q̂⁻¹``, domestic use ``U_d = U − M``, direct requirements ``B = U_d ĝ⁻¹``,
  ``A = D B`` and ``f₀ = D e_d`` (industry-technology assumption, BEA 2009 ch. 12).
* ``JPN``: MIC 2015 basic table, 509 goods × 509 goods (billion yen), through the V table
  under the industry-technology assumption: input coefficients of the 391 activities
  ``B = X ĝ⁻¹``, product mix ``D = V' q̂⁻¹`` (activities × goods), ``A_cc = B D`` so the goods
  flows are ``Z_cc = X ĝ⁻¹ V'``; value added per good ``v' ĝ⁻¹ V'``. The table is then made
  domestic as MIC's standard model does (:func:`tables.competitive_to_domestic`).

Both satisfy ``x = A x + f₀`` (to the sources' rounding). Every load runs the accounting
identities of the raw tables (``check_*``); :func:`identity_report` lists the rows and
columns that fail, and a table's ``notes`` say how many failed. The equations and the
treatment of the special rows are in docs/ripple.md.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UnknownNameError
from ..readers import _csv
from ..readers import io_tables as io
from .tables import IOTable, _safe_div, competitive_to_domestic, industry_technology

__all__ = [
    "COUNTRIES",
    "build_bea_detail",
    "build_mic_basic",
    "check_balance",
    "check_bea_detail",
    "check_mic_basic",
    "check_totals",
    "detail_table",
    "identity_report",
    "published_totals",
    "repair_v",
]

#: columns of :func:`identity_report`
REPORT_COLUMNS = ["code", "identity", "lhs", "rhs", "difference", "tolerance"]

#: rounding unit of each source's cells: BEA publishes whole $ million; MIC million yen, which
#: the shipped copy holds as billion yen with three decimals
ROUNDING = {"USA": 1.0, "JPN": 0.001}


def published_totals(country: str) -> pd.DataFrame:
    """The totals each table must reproduce (data/io/detail_totals.csv, with sources)."""
    path = _csv.package_file("io") / "detail_totals.csv"
    df = _csv.read_table(path, ["country", "total", "value", "resolution", "unit", "source"])
    df = df[df["country"] == country]
    return pd.DataFrame({"total": df["total"].to_numpy(),
                         "value": _csv.numbers(df, "value", path.name),
                         "resolution": _csv.numbers(df, "resolution", path.name)})


# -- checks (pure: frames in, failing rows out) ----------------------------------------------
def check_balance(identity: str, lhs: pd.Series, terms: pd.DataFrame, unit: float
                  ) -> pd.DataFrame:
    """Rows where ``lhs`` differs from the row sum of ``terms`` by more than rounding allows.

    Each cell is rounded to ``unit``, so a sum of k non-zero cells and a rounded total can
    differ by at most ``unit/2 · (k + 1)``: the tolerance of each row (no free parameter).
    """
    cells = terms.to_numpy()
    left = lhs.to_numpy(dtype=float)
    rhs = cells.sum(axis=1)
    tol = unit / 2 * ((cells != 0).sum(axis=1) + 1)
    diff = left - rhs
    bad = np.abs(diff) > tol
    return pd.DataFrame({"code": lhs.index[bad], "identity": identity, "lhs": left[bad],
                         "rhs": rhs[bad], "difference": diff[bad], "tolerance": tol[bad]},
                        columns=REPORT_COLUMNS)


def check_totals(computed: dict[str, float], published: pd.DataFrame) -> pd.DataFrame:
    """Totals that differ from the published figure by more than half its last digit."""
    rows = []
    for total, value, resolution in published.itertuples(index=False):
        got = computed[total]
        if abs(got - value) > resolution / 2:
            rows.append(("total", f"{total} = published", got, value, got - value,
                         resolution / 2))
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _bea_parts(raw: dict[str, pd.DataFrame]) -> dict:
    """The blocks of the BEA detail tables that the checks and the builder use."""
    use, make = raw["use"], raw["make"]
    industries = [r for r in make.index if r != "T007"]
    commodities = [c for c in make.columns if c != "T008"]
    fd = [c for c in use.columns if c.startswith("F")]
    return {"industries": industries, "commodities": commodities, "fd": fd,
            "U": use.loc[commodities, industries], "E": use.loc[commodities, fd],
            "va": use.loc[["V00100", "V00200", "V00300"], industries],
            "V": make.loc[industries, commodities],
            "q": make.loc["T007", commodities], "g": make.loc[industries, "T008"]}


def check_bea_detail(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Accounting identities of the BEA detail Make and Use tables (million USD).

    Per commodity: output q (Make) = intermediate use + final demand (imports negative), and
    q = the Make table's column sum. Per industry: output g (Make) = intermediate inputs +
    value added, g = the Make row sum, and the Use table's T008 = g. Totals: value added,
    final demand and output against the published figures; value added = final demand (GDP
    from both sides).
    """
    p, unit = _bea_parts(raw), ROUNDING["USA"]
    use = raw["use"]
    U, E, va, V = p["U"], p["E"], p["va"], p["V"]
    computed = {"value_added": va.to_numpy().sum(), "final_demand": E.to_numpy().sum(),
                "output": use.loc["T008", p["industries"]].sum()}
    return _concat([
        check_balance("commodity output = intermediate use + final demand", p["q"],
                      pd.concat([U, E], axis=1), unit),
        check_balance("commodity output = Make column sum", p["q"], V.T, unit),
        check_balance("industry output = intermediate inputs + value added", p["g"],
                      pd.concat([U.T, va.T], axis=1), unit),
        check_balance("industry output = Make row sum", p["g"], V, unit),
        check_balance("industry output: Use T008 = Make T008",
                      use.loc["T008", p["industries"]], p["g"].to_frame(), unit),
        _gdp_check(va, E, unit),
        check_totals(computed, published_totals("USA")),
    ])


def _gdp_check(va: pd.DataFrame, fd: pd.DataFrame, unit: float) -> pd.DataFrame:
    """Value added = final demand (GDP from both sides), within the rounding of every non-zero
    cell on both sides."""
    left, right = va.to_numpy().sum(), fd.to_numpy().sum()
    tol = unit / 2 * (np.count_nonzero(va.to_numpy()) + np.count_nonzero(fd.to_numpy()))
    if abs(left - right) <= tol:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    return pd.DataFrame([("total", "value added = final demand (GDP)", left, right,
                          left - right, tol)], columns=REPORT_COLUMNS)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    return pd.concat(frames, ignore_index=True)


# -- builders -----------------------------------------------------------------------------
def build_bea_detail(raw: dict[str, pd.DataFrame]) -> IOTable:
    """The USA detail table from :func:`io_tables.read_bea_detail` output (see module doc)."""
    p = _bea_parts(raw)
    use, industries, commodities = raw["use"], p["industries"], p["commodities"]
    # the import column's few positive entries (customs duties 4200ID, the rest-of-world
    # adjustment S00900) are sales of domestic output, so they count as final demand
    imp = use.loc[commodities, "F05000"]
    E = use.loc[commodities, [c for c in p["fd"] if c != "F05000"]].assign(
        F05000=imp.clip(lower=0.0))
    M = raw["imports"].reindex(index=commodities).fillna(0.0).assign(F05000=0.0)
    Z, f, m = industry_technology(p["U"], E, M, (-imp).clip(lower=0.0), p["V"].to_numpy(),
                                  p["q"].to_numpy())
    names = raw["industry_names"]["name"].reindex(industries).fillna("").tolist()
    return IOTable(
        country="USA", source="bea-detail", year=2017, level=len(industries),
        labels=industries, names=names, Z=Z, x=p["g"].to_numpy(), f=f,
        va=p["va"].sum().to_numpy(), m=m, comp=p["va"].loc["V00100"].to_numpy(),
        inputs_total=p["U"], construction=_construction(industries, f, "23"),
        currency="USD", scale=1e6, notes=_bea_notes(p),
    )


def _bea_notes(p: dict) -> list[str]:
    """What the builder did with BEA's special rows, and the 212230 distribution."""
    U = p["U"]
    ores = U.loc["212230"].sort_values(ascending=False)
    top = ", ".join(f"{c} {v:,.0f}" for c, v in ores.head(3).items())
    return [
        "scrap (S00401) and used goods (S00402) stay commodities with their Make-table "
        "market shares (BEA's non-scrap-ratio adjustment is not applied; scrap output "
        f"${p['q']['S00401']:,.0f} M); used goods have no domestic output (q = 0), so their "
        "purchases leak like imports",
        "noncomparable imports (S00300) are wholly imported: no domestic flow",
        "commodity 212230 (copper, nickel, lead and zinc ores) passes every identity, but its "
        f"largest industry buyers are {top} $M; smelting 331410 buys "
        f"{ores['331410']:,.0f} of {ores.sum():,.0f} $M intermediate use. The row has the same "
        "pattern in BEA's purchasers'-price and supply-use tables; kept as published, flagged "
        "(docs/ripple.md)",
    ]


def _construction(labels: list[str], f: np.ndarray, prefix: str) -> pd.Series:
    """Construction vector: the ``prefix`` industries weighted by their final demand."""
    idx = [i for i, c in enumerate(labels) if c.startswith(prefix)]
    w = np.clip(f[idx], 0.0, None)
    w = w / w.sum() if w.sum() > 0 else np.full(len(idx), 1.0 / len(idx))
    return pd.Series(w, index=[labels[i] for i in idx])


def _mic_parts(raw: dict[str, pd.DataFrame]) -> dict:
    """The blocks of the MIC basic table and its V table that the checks and builder use."""
    t, make = raw["table"], raw["make"]
    goods = [r for r in t.index if r[:1].isdigit()]
    acts = [c for c in t.columns if c[:1].isdigit()]
    fd = [c for c in t.columns if c not in acts and c != "Total"]
    va = [r for r in t.index if r not in goods and r != "Total"]
    return {"goods": goods, "activities": acts,
            "X": t.loc[goods, acts], "fd": t.loc[goods, fd], "va": t.loc[va, acts],
            "V": make.loc[goods, acts], "q": t.loc[goods, "Total"], "g": t.loc["Total", acts]}


def check_mic_basic(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Accounting identities of the MIC 2015 basic table and its V table (billion yen).

    Per good (row): domestic production = intermediate demand + final demand (imports
    negative), = the V table's row sum and its ``Total``. Per activity (column): production =
    intermediate inputs + value added, = the V table's column sum and its ``Total``. Totals:
    domestic production, intermediate inputs and value added against MIC's published figures.
    """
    p, unit, make = _mic_parts(raw), ROUNDING["JPN"], raw["make"]
    X, V, va = p["X"], p["V"], p["va"]
    computed = {"output": p["g"].sum(), "intermediate": X.to_numpy().sum(),
                "value_added": va.to_numpy().sum()}
    return _concat([
        check_balance("good output = intermediate demand + final demand", p["q"],
                      pd.concat([X, p["fd"]], axis=1), unit),
        check_balance("good output = V row sum", p["q"], V, unit),
        check_balance("good output = V Total column", p["q"],
                      make.loc[p["goods"], ["Total"]], unit),
        check_balance("activity output = intermediate inputs + value added", p["g"],
                      pd.concat([X, va]).T, unit),
        check_balance("activity output = V column sum", p["g"], V.T, unit),
        check_balance("activity output = V Total row", p["g"],
                      make.loc[["Total"], p["activities"]].T, unit),
        check_totals(computed, published_totals("JPN")),
    ])


def build_mic_basic(raw: dict[str, pd.DataFrame]) -> IOTable:
    """The JPN basic table, goods × goods through the V table (see module doc).

    ``Z_cc = X ĝ⁻¹ V'``: good h uses the inputs of the activities that make it, each at its
    input mix per unit of output (``X ĝ⁻¹``) times the amount of h it makes (industry
    technology: an activity has one input mix for all its goods); value added,
    compensation and 家計外消費支出 (ohcr, a leakage as in :func:`tables.mic_table`) likewise
    ``r' ĝ⁻¹ V'``. Rows keep their sums (``Z_cc 1 = X 1`` since ``V' 1 = g``), so the goods
    balance ``q = Z_cc 1 + F 1`` carries over; then the competitive imports are removed.
    """
    p = _mic_parts(raw)
    V, moves = repair_v(p["V"], p["g"], ROUNDING["JPN"])
    goods, X, V, g = p["goods"], p["X"].to_numpy(), V.to_numpy(), p["g"].to_numpy()
    share = _safe_div(np.ones_like(g), g)[:, None] * V.T  # ĝ⁻¹ V' (activities × goods)
    Z, f, mhat = competitive_to_domestic(X @ share, p["fd"])
    va = p["va"]
    comp_rows = [r for r in ("wage", "ssce", "othp") if r in va.index]
    labels = raw["labels"].reindex(goods)
    construction = _construction(goods, f, "41")
    return IOTable(
        country="JPN", source="mic-basic", year=2015, level=len(goods), labels=goods,
        names=labels["name_en"].tolist(), Z=Z, x=p["q"].to_numpy(), f=f,
        va=va.drop(index="ohcr").sum().to_numpy() @ share,
        m=(mhat[:, None] * (X @ share)).sum(axis=0),
        comp=va.loc[comp_rows].sum().to_numpy() @ share,
        inputs_total=pd.DataFrame(X @ share, index=goods, columns=goods),
        construction=construction, currency="JPY", scale=1e9,
        names_ja=labels["name_ja"].tolist(), notes=[
            "goods × goods (509) from 509 goods × 391 activities through the V table "
            "(industry-technology assumption); value added excludes 家計外消費支出 (ohcr), "
            "a leakage like imports",
            "English names are a friendshore translation (data/io/PROVENANCE.md E); name_ja "
            "is MIC's",
        ] + [f"V table: good {h} ({v:,.3f} bn yen) moved from activity {a} to {b}, whose "
             "output it matches (identity_report lists the shipped V's failures)"
             for h, a, b, v in moves],
    )


def repair_v(V: pd.DataFrame, g: pd.Series, unit: float
             ) -> tuple[pd.DataFrame, list[tuple[str, str, str, float]]]:
    """Move misplaced V-table cells back to their own activity, where that restores the sums.

    An activity whose V column does not sum to its output ``g`` (beyond rounding) gives up
    each good whose 6-digit prefix names another activity (MIC's row codes extend their
    activity's code by one digit) to that activity; the moves are kept only if afterwards
    every affected column matches its output. Returns the V table and the moves (good, from,
    to, value), which the table's notes list.
    """
    tol = unit / 2 * ((V != 0).sum(axis=0) + 1)
    wrong = (V.sum(axis=0) - g).abs() > tol
    out, moves = V.copy(), []
    for a in V.columns[wrong]:
        for h in V.index[V[a] != 0]:
            b = h[:6]
            if b != a and b in V.columns:
                out.loc[h, b] += out.loc[h, a]
                moves.append((h, a, b, float(out.loc[h, a])))
                out.loc[h, a] = 0.0
    cols = sorted({m[1] for m in moves} | {m[2] for m in moves})
    after = unit / 2 * ((out[cols] != 0).sum(axis=0) + 1)
    if ((out[cols].sum(axis=0) - g[cols]).abs() > after).any():
        return V, []
    return out, moves


#: country -> (reader, checks, builder)
BUILDERS = {"USA": (io.read_bea_detail, check_bea_detail, build_bea_detail),
            "JPN": (io.read_mic_basic, check_mic_basic, build_mic_basic)}
COUNTRIES = tuple(BUILDERS)


def _country(country: str) -> str:
    key = country.upper()
    if key not in BUILDERS:
        raise UnknownNameError("detailed IO table country", country, COUNTRIES)
    return key


@cache
def _loaded(country: str) -> tuple[IOTable, pd.DataFrame]:
    read, check, build = BUILDERS[country]
    raw = read(None)
    report = check(raw)
    table = build(raw)
    if len(report):
        table.notes.append(f"{len(report)} accounting identities fail: see "
                           f"identity_report({country!r})")
    return table, report


def detail_table(country: str) -> IOTable:
    """The detailed table of ``country`` ('USA' or 'JPN'), checked and cached per process."""
    return _loaded(_country(country))[0]


def identity_report(country: str, folder: Path | None = None) -> pd.DataFrame:
    """Rows and columns of ``country``'s raw tables whose accounting identities fail.

    Columns ``code``, ``identity``, ``lhs``, ``rhs``, ``difference``, ``tolerance``; empty
    when every identity holds. ``folder`` checks another copy of the shipped files.
    """
    key = _country(country)
    if folder is None:
        return _loaded(key)[1].copy()
    read, check, _ = BUILDERS[key]
    return check(read(Path(folder)))

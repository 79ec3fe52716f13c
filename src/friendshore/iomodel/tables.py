"""IO table container: flows as read, derived matrices computed lazily (pymrio-style).

An :class:`IOTable` holds one economy's *domestic* inter-industry flows ``Z`` (industry ×
industry), output ``x``, domestic final demand ``f``, value added ``va``, imported inputs ``m``
and compensation of employees, labelled by the source's own industry codes. ``A``, ``B``, the
LU factors of ``I − A`` and ``I − B`` and the multipliers are derived on first use and cached.

Builders (cached per process):

* :func:`bea_table` (USA, 2017/2022/2023, 71 industries): industry-by-industry coefficients
  under the **industry-technology assumption** (BEA, *Concepts and Methods of the U.S.
  Input-Output Accounts*, 2009, ch. 12): with the Make table ``V`` (industry × commodity), the
  commodity output ``q`` and the market-share matrix ``D = V q̂⁻¹``, the domestic industry flows
  are ``Z = D U_d`` where ``U_d = U − M`` is the Use table less BEA's import matrix. Each
  commodity's import row is scaled so it sums to the Use table's import column (F050), which
  closes the row identity ``x = Z 1 + f`` exactly. 2022 has no import matrix in the mirror: the
  2023 cell shares of imports in use are applied to the 2022 Use table (an estimate).
* :func:`mic_table` (JPN 2015, 13/37/185 sectors): the competitive-import table is made
  domestic with import coefficients ``M̂ = imports / domestic demand`` per row, ``Z = (I − M̂) X``
  (MIC's standard ripple model ``(I − (I − M̂)A)⁻¹``). Value added excludes 家計外消費支出
  (ohcr), so that it sums to GDP; ohcr is treated as a leakage like imports. Sectors are
  named in English (``name_en`` of the label files: MIC-style names at 37 sectors, a friendshore
  translation at 13 and 185, data/io/PROVENANCE.md) with the official Japanese name kept in
  ``names_ja``.
* :func:`wiod_table` (2011, 41 regions × 35 industries): the world table, where value added is
  ``x − 1'Z`` (the mirror ships no VA rows) and imports are zero (the world is closed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np
import pandas as pd

from ..errors import UnknownNameError
from ..readers import io_tables as io
from . import iomath

__all__ = ["IOTable", "bea_table", "competitive_to_domestic", "get_table", "industry_technology",
           "mic_table", "wiod_table", "TABLES"]

#: (country, default year/level) of each shipped national table; WIOD is "WIOD".
TABLES = {"USA": ("bea", (2017, 2022, 2023), 2023), "JPN": ("mic", (13, 37, 185), 185),
          "WIOD": ("wiod", (2011,), 2011)}


@dataclass(eq=False)
class IOTable:
    """One economy's domestic IO system in the source's own codes and money unit."""

    country: str
    source: str
    year: int
    level: int
    labels: list[str]
    #: industry names in English (the source's own, or a translation for MIC)
    names: list[str]
    Z: np.ndarray
    x: np.ndarray
    f: np.ndarray
    va: np.ndarray
    m: np.ndarray
    comp: np.ndarray
    #: purchases of each supplying commodity/sector by each industry, domestic and imported
    inputs_total: pd.DataFrame
    #: weights of the construction vector (the sectors that build fixed capital)
    construction: pd.Series
    currency: str
    #: source unit in currency units: 1e6 (million USD) or 1e9 (billion JPY)
    scale: float
    jobs: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    #: official Japanese names (MIC tables only)
    names_ja: list[str] | None = None

    @property
    def f0(self) -> np.ndarray:
        """Final demand for domestic output as tabulated (exports in, imports out): the ``f₀``
        that bounds final demand in the GDP model, with ``x = A x + f₀``."""
        return self.f

    @property
    def n(self) -> int:
        """Number of industries."""
        return len(self.labels)

    def index(self, code: str) -> int:
        """Position of industry ``code``; unknown codes raise with close matches."""
        try:
            return self._pos[code]
        except KeyError:
            cands = self.labels + [f"{c} {n}" for c, n in zip(self.labels, self.names,
                                                                strict=True)]
            raise UnknownNameError(f"{self.country} {self.source} industry", code, cands,
                                   where=f"{self.source} {self.year}/{self.level}") from None

    @cached_property
    def _pos(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.labels)}

    # -- derived (lazy) -------------------------------------------------------------------
    @cached_property
    def A(self) -> np.ndarray:
        """Domestic technical coefficients ``A = Z x̂⁻¹``."""
        return iomath.calc_A(self.Z, self.x)

    @cached_property
    def B(self) -> np.ndarray:
        """Allocation coefficients ``B = x̂⁻¹ Z`` (Ghosh)."""
        return iomath.calc_B(self.Z, self.x)

    @cached_property
    def lu_L(self) -> iomath.LU:
        """LU factors of ``I − A`` (Leontief), computed once."""
        return iomath.factor(self.A)

    @cached_property
    def lu_G(self) -> iomath.LU:
        """LU factors of ``I − B`` (Ghosh), computed once."""
        return iomath.factor(self.B)

    @cached_property
    def coefficients(self) -> dict[str, np.ndarray]:
        """Direct coefficients per unit of output: value added, imports, compensation, jobs."""
        rows = {"output": np.ones(self.n),
                "value_added": iomath.calc_coefficients(self.va, self.x),
                "imports": iomath.calc_coefficients(self.m, self.x),
                "compensation": iomath.calc_coefficients(self.comp, self.x)}
        if self.jobs is not None:
            rows["jobs"] = iomath.calc_coefficients(self.jobs, self.x)
        return rows

    @cached_property
    def multipliers(self) -> pd.DataFrame:
        """Type I multipliers per unit of final demand (jobs per currency unit where known)."""
        mult = iomath.calc_multipliers(self.lu_L, self.coefficients)
        df = pd.DataFrame(mult, index=pd.Index(self.labels, name="industry"))
        for i, (col, values) in enumerate(self.name_columns(self.labels).items()):
            df.insert(i, col, values)
        return df

    def name_columns(self, codes: Sequence[str]) -> dict[str, list[str]]:
        """``name`` (English) and, for tables with Japanese names, ``name_ja`` of ``codes``:
        the columns every per-industry output carries."""
        pos = [self.index(c) for c in codes]
        out = {"name": [self.names[i] for i in pos]}
        if self.names_ja is not None:
            out["name_ja"] = [self.names_ja[i] for i in pos]
        return out

    def series(self, values: np.ndarray, name: str) -> pd.Series:
        """A vector labelled by this table's industry codes."""
        return pd.Series(values, index=pd.Index(self.labels, name="industry"), name=name)


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros_like(np.asarray(a, dtype=float))
    np.divide(a, b, out=out, where=np.asarray(b) != 0)
    return out


@cache
def bea_table(year: int = 2023) -> IOTable:
    """US BEA summary table for ``year`` (2017, 2022 or 2023), industry by industry, domestic."""
    raw = io.read_bea(year)
    use, make = raw["use"], raw["make"]
    industries = [c for c in make.index if c != "Total Commodity Output"]
    commodities = [c for c in make.columns if c != "Total Industry Output"]
    U = use.loc[commodities, industries].fillna(0.0)
    fd_cols = [c for c in use.columns if c.startswith("F") and c != "F050"]
    E = use.loc[commodities, fd_cols].fillna(0.0)
    imports_total = -use.loc[commodities, "F050"].fillna(0.0)
    notes = []
    if "imports" in raw:
        M = raw["imports"].reindex(index=commodities).fillna(0.0)
    else:  # no import matrix for this year: borrow the 2023 cell shares of imports in use
        ref = io.read_bea(2023)
        cols = industries + fd_cols
        share = _safe_div(ref["imports"].reindex(index=commodities).fillna(0.0)[cols],
                          ref["use"].loc[commodities, cols].fillna(0.0))
        M = pd.DataFrame(share, index=commodities, columns=industries + fd_cols) * use.loc[
            commodities, industries + fd_cols].fillna(0.0)
        notes.append(f"{year}: import matrix estimated from 2023 import shares of each Use cell")
    V = make.loc[industries, commodities].fillna(0.0).to_numpy()
    q = make.loc["Total Commodity Output", commodities].to_numpy()
    Z, f, m = industry_technology(U, E, M, imports_total, V, q)
    x = make.loc[industries, "Total Industry Output"].to_numpy()
    va_rows = use.loc[["V001", "V002", "V003"], industries].fillna(0.0)
    names = io.bea_labels()["industry"].reindex(industries).fillna("").tolist()
    construction = pd.Series({"23": 1.0})
    return IOTable(
        country="USA", source="bea", year=year, level=len(industries), labels=industries,
        names=names, Z=Z, x=x, f=f, va=va_rows.sum().to_numpy(), m=m,
        comp=va_rows.loc["V001"].to_numpy(), inputs_total=U, construction=construction,
        currency="USD", scale=1e6, notes=notes,
    )


def industry_technology(U: pd.DataFrame, E: pd.DataFrame, M: pd.DataFrame, imports: pd.Series,
                        V: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Domestic industry × industry flows from BEA's Use, Make and Import tables.

    ``U`` is commodities × industries, ``E`` commodities × final-demand columns (the import
    column left out), ``M`` BEA's imports in each of those cells, ``imports`` each commodity's
    total imports (minus the Use table's import column), ``V`` the Make table (industries ×
    commodities) and ``q`` commodity output. Import rows the matrix leaves empty (some margins)
    get the import-proportionality split; every row is scaled to ``imports`` so the rows balance.
    With ``U_d = U − M_int``, ``e_d = E 1 − M_fd 1`` and market shares ``D = V q̂⁻¹``:
    ``Z = D U_d``, ``f = D e_d`` (industry-technology assumption, BEA 2009 ch. 12). Returns
    ``(Z, f, 1'M_int)``, the last being each industry's imported inputs.
    """
    n = U.shape[1]
    M = M[list(U.columns) + list(E.columns)].to_numpy(dtype=float, copy=True)
    u, e, imp = U.to_numpy(dtype=float), E.to_numpy(dtype=float), imports.to_numpy(dtype=float)
    gap = (M.sum(axis=1) == 0) & (imp != 0)
    M[gap] = np.hstack([u, e])[gap]
    M *= _safe_div(imp, M.sum(axis=1))[:, None]
    U_d = u - M[:, :n]
    e_d = e.sum(axis=1) - M[:, n:].sum(axis=1)
    D = V * _safe_div(np.ones_like(q), q)[None, :]  # market shares, columns sum to 1
    return D @ U_d, D @ e_d, M[:, :n].sum(axis=0)


@cache
def mic_table(level: int = 185) -> IOTable:
    """Japan MIC 2015 table at 13, 37 or 185 sectors, made domestic with import coefficients."""
    raw = io.read_mic(level)
    t, lab = raw["table"], raw["labels"]
    sectors = [c for c in t.columns if c[:1].isdigit()]
    fd = [c for c in t.columns if c not in sectors and c != "Total"]
    va_rows = [r for r in t.index if r not in sectors and r not in ("Total", "ohcr")]
    X = t.loc[sectors, sectors].to_numpy()
    Z, f, mhat = competitive_to_domestic(X, t.loc[sectors, fd])
    comp_rows = [r for r in ("epin", "wage", "ssce", "othp") if r in t.index]
    lab = lab.set_index("code").reindex(sectors).fillna("")
    names_ja = lab["name_ja"].tolist()
    english = lab["name_en"] if "name_en" in lab.columns else lab["name_ja"]
    names = english.where(english != "", lab["name_ja"]).tolist()
    gfcf = t.loc[sectors, [c for c in ("invg", "invp") if c in t.columns]].sum(axis=1)
    build = ["04"] if level == 13 else [s for s in sectors if s.startswith("41")]
    construction = gfcf[build] / gfcf[build].sum() if gfcf[build].sum() > 0 else pd.Series(
        1.0 / len(build), index=build)
    return IOTable(
        country="JPN", source="mic", year=2015, level=level, labels=sectors, names=names,
        Z=Z, x=t.loc[sectors, "Total"].to_numpy(), f=f,
        va=t.loc[va_rows, sectors].sum().to_numpy(),
        m=(mhat[:, None] * X).sum(axis=0), comp=t.loc[comp_rows, sectors].sum().to_numpy(),
        inputs_total=pd.DataFrame(X, index=sectors, columns=sectors),
        construction=construction, currency="JPY", scale=1e9, names_ja=names_ja,
    )


#: MIC final-demand columns: imports (negative) and exports; the others are domestic demand
MIC_IMPORTS = ("impo", "impd", "imta", "imtx")
MIC_EXPORTS = ("expo", "expd")


def competitive_to_domestic(X: np.ndarray, fd: pd.DataFrame
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Domestic flows of a competitive-import table (MIC): ``(Z, f, M̂)``.

    ``X`` is the square flow table (rows = supplying sectors/goods), ``fd`` its final-demand
    columns with imports negative. Import coefficients per row
    ``M̂_i = imports_i / (Σ_j X_ij + domestic final demand_i)``; ``Z = (I − M̂) X`` and
    ``f = (I − M̂) f_dom + exports`` (MIC's standard model ``L = (I − (I − M̂)A)⁻¹``).
    """
    imp = [c for c in MIC_IMPORTS if c in fd.columns]
    exp = [c for c in MIC_EXPORTS if c in fd.columns]
    dom = [c for c in fd.columns if c not in imp + exp]
    imports = -fd[imp].sum(axis=1).to_numpy()
    f_dom = fd[dom].sum(axis=1).to_numpy()
    mhat = _safe_div(imports, X.sum(axis=1) + f_dom)
    keep = 1.0 - mhat
    return keep[:, None] * X, keep * f_dom + fd[exp].sum(axis=1).to_numpy(), mhat


@cache
def wiod_table() -> IOTable:
    """WIOD 2011 world table (41 regions × 35 industries), million USD."""
    raw = io.read_wiod()
    Z, F, x = raw["Z"], raw["F"], raw["x"]["output_musd"]
    labels = list(Z.index)
    names = dict(zip(raw["industries"]["industry_code"], raw["industries"]["industry_name"],
                     strict=True))
    zv = Z.to_numpy()
    xv = x.to_numpy()
    build = [c for c in labels if c.endswith("_c18")]  # c18 Construction, every region
    construction = pd.Series(1.0 / len(build), index=build)
    return IOTable(
        country="WLD", source="wiod", year=2011, level=len(labels), labels=labels,
        names=[names.get(c.split("_")[1], "") for c in labels], Z=zv, x=xv,
        f=F.sum(axis=1).to_numpy(), va=xv - zv.sum(axis=0), m=np.zeros(len(labels)),
        comp=np.full(len(labels), np.nan), inputs_total=Z, construction=construction,
        currency="USD", scale=1e6,
        notes=["value added = x − 1'Z (taxes and margins included); no import leakage"],
    )


def get_table(country: str, year: int | None = None, level: int | None = None) -> IOTable:
    """The shipped table for ``country`` ('USA', 'JPN' or 'WIOD'), default year/level."""
    key = country.upper()
    if key not in TABLES:
        raise UnknownNameError("IO table country", country, TABLES)
    _, options, default = TABLES[key]
    choice = level if key == "JPN" else year
    if key == "JPN" and level is None:
        choice = year if year in options else default
    choice = default if choice is None else choice
    if choice not in options:
        raise UnknownNameError(f"{key} table year/level", str(choice), [str(o) for o in options])
    if key == "USA":
        return bea_table(choice)
    if key == "JPN":
        return mic_table(choice)
    return wiod_table()

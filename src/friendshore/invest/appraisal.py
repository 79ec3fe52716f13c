"""Project appraisal: annual cash flows, the agreement waterfall, and NPV/IRR/payback per country.

Everything is vectorised over Monte Carlo draws (arrays of shape ``(draws, years)``); the only
Python loop is over years inside the waterfall, whose state carries from one year to the next.

Cash flows of a project, year ``t`` counted from its notice date:

* capex: the announced capex times ``1 + overrun``, spread evenly over the lead time plus the
  slip (whole years);
* operation for ``economic_life_years`` after that: revenue = capacity x ramp-up share x price
  x price multiplier, opex every operating year, salvage (a share of announced capex, times the
  price multiplier) in the last year;
* distributable cash D_t = revenue - opex (+ salvage).

Support instruments (a project's ``support:`` block) are transfers between a paying government
and the project; their cost to the payer is kept apart from the NPVs (``support_draws``):

* price floor ``F`` on ``share`` s of the volume for the first ``years`` operating years:
  revenue per unit = p + s (F - p)+ - s u (p - F)+ (``u``: the payer's upside share), and the
  payer bears volume x s x ((F - p)+ - u (p - F)+);
* grant X: the financing funds capex - X (capex scaled by 1 - X / capex, so overruns stay with
  the financing); the payer pays X in the grant year;
* fixed-price offtake of share s at P: revenue per unit = p + s (P - p), and the offtaker
  bears volume x s x (P - p) (a market-price offtake moves no money);
* loan guarantee on share g: the payer covers g x (debt service - available cash)+ in each
  service year (the sponsor pays that much less) and earns ``fee_rate`` x g x the loan's
  outstanding balance from the sponsor; under the waterfall it pays the funder g x (what is
  due - the funder's share)+ in each year still owing (less shortfall is carried forward) and
  earns ``fee_rate`` x g x the outstanding deemed amount from the funder.

Under the agreement waterfall the funder pays the capex (upfront, within days of notice, or as
spent, per the agreement; overruns are called as spent) and any operating deficit. Its
*deemed allocation amount* is a loan-like schedule: interest at ``benchmark + spread`` is
capitalised until operation (if the agreement says so); each operating year it is due interest
on the outstanding amount (and on any carried shortfall) plus straight-line principal over the
economic life. While anything is owed, D_t is split 50/50;
what the funder receives pays interest, then the carried shortfall, then principal (any excess
prepays principal); an unpaid remainder is carried forward. Once all is paid (possibly within a
year), the rest is split 90/10.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..assumptions import Assumptions
from .agreements import Agreement, load_agreement
from .catalog import Dist, Equity, Loan, Project, Waterfall

__all__ = [
    "Appraisal",
    "Draws",
    "appraise_project",
    "calc_irr",
    "calc_npv",
    "calc_payback",
    "cash_flows",
    "deemed_schedule",
    "discount_rate",
    "draw_uncertainty",
    "guaranteed_waterfall",
    "payments",
    "split_cash",
    "support_costs",
    "waterfall",
]


def deemed_schedule(amount: float, rate: float, life: int) -> np.ndarray:
    """Entitlement per year of a fully-paid deemed allocation: interest on the outstanding
    amount plus straight-line principal ``amount / life`` (US$10B, 5.5%, 20y -> 1.05B first)."""
    principal = amount / life
    outstanding = amount - principal * np.arange(life)
    return rate * outstanding + principal


def waterfall(
    funding: np.ndarray, distributable: np.ndarray, operating: np.ndarray, life: int,
    terms: Agreement,
) -> tuple[np.ndarray, np.ndarray]:
    """Split distributable cash between host and funder under ``terms``; arrays (draws, years).

    ``funding`` is what the funder pays in each year, ``operating`` marks operating years.
    Returns (host receipts, funder receipts), both >= 0.
    """
    host, funder, _, _ = guaranteed_waterfall(funding, distributable, operating, life, terms)
    return host, funder


def guaranteed_waterfall(
    funding: np.ndarray, distributable: np.ndarray, operating: np.ndarray, life: int,
    terms: Agreement, cover: float = 0.0, fee_rate: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The waterfall with a guarantee of ``cover`` of the funder's shortfall: in a year still
    owing, the guarantor pays the funder ``cover`` x (due - the funder's share)+ (so less is
    carried forward) and the funder pays ``fee_rate`` x ``cover`` x the outstanding deemed
    amount. Returns (host receipts, funder receipts incl. payouts, payouts, fees)."""
    da = terms.deemed_allocation
    before, after = terms.split_before, terms.split_after
    n, years = distributable.shape
    outstanding = np.zeros(n)
    shortfall = np.zeros(n)
    instalment = np.full(n, np.nan)  # straight-line principal, fixed at the first operating year
    done = np.zeros(n, dtype=bool)
    host = np.zeros((n, years))
    funder = np.zeros((n, years))
    payouts = np.zeros((n, years))
    fees = np.zeros((n, years))
    for t in range(years):
        outstanding += funding[:, t]
        cash = np.maximum(distributable[:, t], 0.0)
        op = operating[:, t]
        first = op & np.isnan(instalment)
        instalment[first] = outstanding[first] / life
        owed = op & ~done
        base = outstanding + (shortfall if da.shortfall_accrues_interest else 0.0)
        interest = np.where(owed, da.rate * base, 0.0)
        scheduled = np.where(owed, np.minimum(np.nan_to_num(instalment), outstanding), 0.0)
        due = interest + scheduled + shortfall
        payoff = outstanding + shortfall + interest
        share = before.funder * cash
        closes = owed & (share >= payoff) & (before.funder > 0)
        # Years in which the deemed amount is paid off: 50/50 up to the payoff, then 90/10.
        cash_at_before = np.where(closes, payoff / max(before.funder, 1e-12), 0.0)
        rest = cash - cash_at_before
        f_close = payoff + after.funder * rest
        h_close = before.host * cash_at_before + after.host * rest
        # Years still owing: 50/50, excess prepays principal, any gap is carried forward.
        paying = owed & ~closes
        excess = np.maximum(share - due, 0.0)
        gap = np.maximum(due - share, 0.0)
        payout = np.where(paying, cover * gap, 0.0)
        fees[:, t] = np.where(owed, fee_rate * cover * outstanding, 0.0)
        payouts[:, t] = payout
        outstanding = np.where(paying, np.maximum(outstanding - scheduled - excess, 0.0),
                               np.where(closes, 0.0, outstanding))
        shortfall = np.where(paying, gap - payout if da.shortfall_carried_forward else 0.0,
                             np.where(closes, 0.0, shortfall))
        f_t = np.where(closes, f_close, np.where(paying, share + payout, after.funder * cash))
        h_t = np.where(closes, h_close, np.where(paying, before.host * cash, after.host * cash))
        # Before operation nothing is distributed, and after payoff the split is 90/10.
        f_t = np.where(op, f_t, 0.0)
        h_t = np.where(op, h_t, 0.0)
        funder[:, t], host[:, t] = f_t, h_t
        done |= closes
        if da.interest_during_construction:  # capitalised until the first operating year
            building = np.isnan(instalment)
            outstanding = np.where(building, outstanding * (1.0 + da.rate), outstanding)
    return host, funder, payouts, fees


@dataclass(frozen=True)
class Draws:
    """Uncertain inputs per draw: capex overrun share, slip in whole years, price multiplier
    (one per draw, shape (draws,), or a path per year from the notice year, (draws, years))."""

    overrun: np.ndarray
    slip_years: np.ndarray
    price_mult: np.ndarray

    @classmethod
    def base(cls, n: int = 1) -> Draws:
        """The announced case: no overrun, no slip, price as stated."""
        return cls(np.zeros(n), np.zeros(n, dtype=int), np.ones(n))

    def __len__(self) -> int:
        return len(self.overrun)


def _lognormal(rng: np.random.Generator, mean: float, sd: float, n: int) -> np.ndarray:
    """Draws of a positive variable with this mean and standard deviation (zero if mean is 0)."""
    if mean <= 0:
        return np.zeros(n)
    if sd <= 0:
        return np.full(n, mean)
    s2 = np.log1p((sd / mean) ** 2)
    return rng.lognormal(np.log(mean) - s2 / 2, np.sqrt(s2), n)


def draw_uncertainty(
    project: Project, n: int, rng: np.random.Generator, a: Assumptions
) -> Draws:
    """Monte Carlo draws of overrun, slip and price for ``project`` (reference-class defaults)."""
    u, cls = project.uncertainty, project.reference_class
    over = u.capex_overrun or _default_dist(a, "overrun", cls)
    slip = u.schedule_slip or _default_dist(a, "slip", cls)
    sigma = a["invest_price_sigma"] if u.price_sigma is None else u.price_sigma
    overrun = _lognormal(rng, 1.0 + over.mean, over.sd, n) - 1.0
    slip_years = np.rint(_lognormal(rng, slip.mean, slip.sd, n) * project.lead_time_years)
    price = rng.lognormal(-(sigma**2) / 2, sigma, n) if sigma > 0 else np.ones(n)
    walk = float(a["invest_price_path_sigma"])
    if walk > 0 and n > 0:  # a mean-preserving random walk per year from the notice year
        years = project.lead_time_years + int(slip_years.max()) + project.economic_life_years
        steps = rng.normal(-(walk**2) / 2, walk, (n, years - 1))
        price = price[:, None] * np.exp(np.concatenate(
            [np.zeros((n, 1)), np.cumsum(steps, axis=1)], axis=1))
    return Draws(overrun, slip_years.astype(int), price)


def _default_dist(a: Assumptions, what: str, cls: str) -> Dist:
    """The reference-class distribution named in assumptions/invest.yaml."""
    if what == "overrun":
        return Dist(mean=a[f"invest_overrun_{cls}_mean"], sd=a[f"invest_overrun_{cls}_sd"])
    mean = a[f"invest_slip_{cls}_mean"]
    return Dist(mean=mean, sd=mean * a["invest_slip_sd_ratio"])


@dataclass(frozen=True)
class CashFlows:
    """Annual project cash flows, each (draws, years), year 0 = the notice year; ``topups``
    is the part of revenue each price-floor payer or fixed-price offtaker pays above the market
    price (negative where it takes upside or buys below the market)."""

    capex: np.ndarray
    revenue: np.ndarray
    opex: np.ndarray
    salvage: np.ndarray
    operating: np.ndarray  # bool
    topups: dict[str, np.ndarray]

    @property
    def topup(self) -> np.ndarray:
        """Revenue paid above the market price, all payers together."""
        return sum(self.topups.values(), np.zeros_like(self.revenue))

    @property
    def distributable(self) -> np.ndarray:
        """Revenue minus opex plus salvage (negative in deficit years)."""
        return self.revenue - self.opex + self.salvage


def cash_flows(project: Project, draws: Draws) -> CashFlows:
    """Annual capex, revenue, opex and salvage of ``project`` for each draw."""
    n = len(draws)
    lead = project.lead_time_years + np.maximum(draws.slip_years, 0)  # (n,)
    life = project.economic_life_years
    years = int(lead.max()) + life
    t = np.arange(years)[None, :]
    lead_c = lead[:, None]
    capex_total = project.capex_usd * (1.0 + draws.overrun)
    building = t < lead_c
    capex = np.where(building, (capex_total / lead)[:, None], 0.0)
    k = t - lead_c  # operating year index
    operating = (k >= 0) & (k < life)
    ramp = np.asarray(project.ramp_up + [1.0], dtype=float)
    share = np.where(operating, ramp[np.clip(k, 0, len(ramp) - 1)], 0.0)
    mult = _price_path(draws.price_mult, years)
    price = project.price.usd_per_unit * mult
    volume = project.capacity * share
    topups = _topups(project, volume, price, k)
    revenue = volume * price + sum(topups.values(), np.zeros_like(price))
    opex = np.where(operating, project.opex_usd_per_year, 0.0)
    last = k == life - 1
    salvage = np.where(last, project.salvage_share * project.capex_usd * mult, 0.0)
    assert capex.shape == revenue.shape == (n, years)
    return CashFlows(capex, revenue, opex, salvage, operating, topups)


def _price_path(mult: np.ndarray, years: int) -> np.ndarray:
    """Price multiplier per draw and year: a per-draw constant, or a per-year path cut or
    extended (with its last year) to ``years``."""
    m = np.asarray(mult, dtype=float)
    if m.ndim == 1:
        return np.repeat(m[:, None], years, axis=1)
    if m.shape[1] >= years:
        return m[:, :years]
    return np.concatenate([m, np.repeat(m[:, -1:], years - m.shape[1], axis=1)], axis=1)


def _topups(project: Project, volume: np.ndarray, price: np.ndarray,
            k: np.ndarray) -> dict[str, np.ndarray]:
    """What each payer adds to revenue above the market price ``p``, per year: a price floor F
    volume x share x ((F - p)+ - u (p - F)+), a fixed-price offtake P volume x share x (P - p),
    each in its first ``years`` operating years."""
    sup = project.support
    out: dict[str, np.ndarray] = {}
    if sup is None:
        return out
    if sup.price_floor is not None:
        fl, f = sup.price_floor, sup.price_floor.per_unit()
        gap = np.maximum(f - price, 0.0) - fl.upside_share * np.maximum(price - f, 0.0)
        out[fl.payer] = np.where((k >= 0) & (k < fl.years), fl.share * volume * gap, 0.0)
    off = sup.offtake
    if off is not None and off.price_basis == "fixed":
        gap = np.where((k >= 0) & (k < off.years), off.share * volume * (off.per_unit() - price),
                       0.0)
        out[off.country] = out.get(off.country, 0.0) + gap
    return out


def _terms(name: str, agreements: Mapping[str, Agreement] | None) -> Agreement:
    """The agreement ``name``: from ``agreements`` if given there, else the shipped file."""
    return (agreements or {}).get(name) or load_agreement(name)


Flows = dict[str, np.ndarray]


def _flows(
    project: Project, cf: CashFlows, agreements: Mapping[str, Agreement] | None = None
) -> tuple[Flows, Flows, Flows]:
    """(paid in, received, support cost) per country, each (draws, years)."""
    fin, sup = project.financing, project.support
    dist = cf.distributable
    deficit = np.maximum(-dist, 0.0)
    paid: Flows = {}
    got: Flows = {}
    cost: Flows = {}

    def add(table: Flows, country: str, value: np.ndarray) -> None:
        table[country] = table.get(country, 0.0) + value

    capex, announced = cf.capex, project.capex_usd
    for payer, topup in cf.topups.items():
        add(cost, payer, topup)
    if sup is not None and sup.grant is not None:
        grant = sup.grant
        total = capex.sum(axis=1)
        kept = np.where(total > 0, 1.0 - np.minimum(grant.amount_usd, total)
                        / np.where(total > 0, total, 1.0), 0.0)
        capex, announced = capex * kept[:, None], announced - grant.amount_usd
        at = np.zeros_like(capex)
        year = (grant.year or project.notice_date.year) - project.notice_date.year
        at[:, min(year, capex.shape[1] - 1)] = total - capex.sum(axis=1)
        add(cost, grant.payer, at)

    if isinstance(fin, Waterfall):
        terms = _terms(fin.agreement, agreements)
        s = terms.funder_share_of_capex
        funding = s * _funding_profile(announced, capex, terms.funding) + deficit
        g = sup.guarantee if sup is not None else None
        host_cash, funder_cash, payout, fee = guaranteed_waterfall(
            funding, dist, cf.operating, project.economic_life_years, terms,
            g.share if g else 0.0, g.fee_rate if g else 0.0)
        if g is not None:
            add(paid, terms.funder, fee)
            add(cost, g.payer, payout - fee)
        add(paid, terms.funder, funding)
        add(paid, terms.host, (1 - s) * capex)
        add(got, terms.funder, funder_cash)
        add(got, terms.host, host_cash)
    elif isinstance(fin, Equity):
        for c, s in fin.shares.items():
            add(paid, c, s * (capex + deficit))
            add(got, c, s * np.maximum(dist, 0.0))
    else:
        assert isinstance(fin, Loan)
        principal = fin.debt_share * capex  # drawn as capex is spent
        amount = principal.sum(axis=1)
        r, n_t = fin.rate, fin.tenor_years
        payment = amount * (r / (1 - (1 + r) ** -n_t) if r > 0 else 1 / n_t)
        first_op = np.argmax(cf.operating, axis=1)[:, None]
        t = np.arange(capex.shape[1])[None, :]
        serving = (t >= first_op) & (t < first_op + n_t)
        service = np.where(serving, payment[:, None], 0.0)
        add(paid, fin.lender, principal)
        add(got, fin.lender, service)
        add(paid, fin.sponsor, capex - principal + deficit + service)
        add(got, fin.sponsor, np.maximum(dist, 0.0))
        if sup is not None and sup.guarantee is not None:
            g = sup.guarantee
            payout = g.share * np.maximum(service - np.maximum(dist, 0.0), 0.0)
            j = np.maximum(t - first_op, 0)  # service years elapsed
            grow = (1.0 + r) ** j
            balance = (amount[:, None] * grow - payment[:, None] * (grow - 1.0) / r if r > 0
                       else amount[:, None] - payment[:, None] * j)
            fee = np.where(serving, g.fee_rate * g.share * np.maximum(balance, 0.0), 0.0)
            add(paid, fin.sponsor, fee - payout)
            add(cost, g.payer, payout - fee)
    return paid, got, cost


def payments(
    project: Project, cf: CashFlows, agreements: Mapping[str, Agreement] | None = None
) -> tuple[Flows, Flows]:
    """(paid in, received) per country, each (draws, years), under the project's financing
    (support costs apart: see :func:`support_costs`)."""
    paid, got, _ = _flows(project, cf, agreements)
    return paid, got


def support_costs(
    project: Project, cf: CashFlows, agreements: Mapping[str, Agreement] | None = None
) -> Flows:
    """What each support payer pays the project per year (draws, years), net of fees and
    upside it receives; empty without support."""
    return _flows(project, cf, agreements)[2]


def _funding_profile(announced: float, capex: np.ndarray, funding: str) -> np.ndarray:
    """When capex is funded: as spent, or the announced capex upfront (within days of notice,
    year 0) with any overrun called as it is spent."""
    if funding == "as_spent":
        return capex
    total = capex.sum(axis=1)
    upfront = np.minimum(announced, total)
    extra = np.where(total > 0, 1.0 - upfront / np.where(total > 0, total, 1.0), 0.0)
    out = capex * extra[:, None]
    out[:, 0] += upfront
    return out


def split_cash(
    project: Project, cf: CashFlows, agreements: Mapping[str, Agreement] | None = None
) -> dict[str, np.ndarray]:
    """Net cash flow per country (draws, years) under the project's financing."""
    paid, got = payments(project, cf, agreements)
    return {c: got.get(c, 0.0) - paid.get(c, 0.0) for c in paid | got}


def discount_rate(country: str, a: Assumptions) -> float:
    """The discount rate for ``country`` (named assumptions; others share one rate)."""
    key = f"invest_discount_rate_{country.lower()}"
    return a[key] if key in a else a["invest_discount_rate_other"]


def calc_npv(flows: np.ndarray, rate: float, offset: float = 0.0) -> np.ndarray:
    """NPV of each row of ``flows`` (year 0 first), discounted ``offset`` more years."""
    t = np.arange(flows.shape[-1]) + offset
    return flows @ (1.0 + rate) ** -t


def calc_irr(flows: np.ndarray, iters: int = 80) -> np.ndarray:
    """IRR of each row by bisection on [-0.99, 10]; NaN where NPV has no sign change."""
    lo = np.full(flows.shape[0], -0.99)
    hi = np.full(flows.shape[0], 10.0)
    f_lo, f_hi = calc_npv(flows, -0.99)[:, None], calc_npv(flows, 10.0)[:, None]
    ok = (np.sign(f_lo) != np.sign(f_hi)).ravel() & (np.abs(flows).sum(axis=1) > 0)
    t = np.arange(flows.shape[1])
    sign_lo = np.sign(f_lo.ravel())
    for _ in range(iters):
        mid = (lo + hi) / 2
        val = np.einsum("dt,dt->d", flows, (1.0 + mid[:, None]) ** -t)
        same = np.sign(val) == sign_lo
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    return np.where(ok, (lo + hi) / 2, np.nan)


def calc_payback(flows: np.ndarray) -> np.ndarray:
    """Years until cumulative cash turns non-negative for good; NaN if it never does."""
    cum = np.cumsum(flows, axis=1)
    neg = cum < -1e-6
    if flows.shape[1] == 0:
        return np.zeros(flows.shape[0])
    last_neg = np.where(neg.any(axis=1), flows.shape[1] - 1 - np.argmax(neg[:, ::-1], axis=1), -1)
    never = neg[:, -1]
    return np.where(never, np.nan, last_neg + 1.0)


def _summary(x: np.ndarray) -> dict[str, float]:
    """Mean, P5, P50, P95 of finite values (NaN where none) and the share that is finite."""
    finite = x[np.isfinite(x)]
    if finite.size == 0:
        return {"mean": np.nan, "p5": np.nan, "p50": np.nan, "p95": np.nan, "defined": 0.0}
    p5, p50, p95 = np.percentile(finite, [5, 50, 95])
    return {"mean": float(finite.mean()), "p5": float(p5), "p50": float(p50),
            "p95": float(p95), "defined": finite.size / x.size}


@dataclass
class Appraisal:
    """One project's appraisal: base case and Monte Carlo per country."""

    project_id: str
    base: dict[str, dict[str, float]]  # country -> npv/irr/payback (announced case)
    npv_draws: dict[str, np.ndarray]  # country -> NPV per draw
    irr_draws: dict[str, np.ndarray]
    payback_draws: dict[str, np.ndarray]
    capex_draws: np.ndarray
    online_year: dict[str, float]  # announced and mean calendar year of first operation
    paid_by_year: dict[str, dict[int, float]]  # country -> calendar year -> capital paid in
    paid_expected: dict[str, float]  # country -> mean total paid in over the draws
    base_flows: dict[str, list[float]] = field(default_factory=dict)
    support: dict | None = None  # the project's support block, as given
    support_draws: dict[str, np.ndarray] = field(default_factory=dict)  # payer -> PV cost
    support_base: dict[str, float] = field(default_factory=dict)  # payer -> PV cost, base case
    npv_without_support: dict[str, np.ndarray] = field(default_factory=dict)
    project_npv: dict[str, np.ndarray] = field(default_factory=dict)  # with / without support

    def expected_npv(self, country: str) -> float:
        """Mean NPV over the draws for ``country`` (0 if it has no cash flow)."""
        return float(self.npv_draws[country].mean()) if country in self.npv_draws else 0.0

    def expected_support_cost(self, country: str) -> float:
        """Mean present value of what ``country`` pays as support (0 if it pays none)."""
        return float(self.support_draws[country].mean()) if country in self.support_draws else 0.0

    def expected_net(self, country: str) -> float:
        """Expected NPV less expected support cost: the cash part of the country's benefit."""
        return self.expected_npv(country) - self.expected_support_cost(country)

    def support_summary(self) -> dict | None:
        """Support instruments, each payer's PV cost (base and Monte Carlo) and NPVs with and
        without support (per country, and of the project's investors at the host's rate)."""
        if self.support is None:
            return None
        return {
            "instruments": self.support,
            "cost_base": self.support_base,
            "cost": {c: {**_summary(d), "p_pays": float((d > 1e-6).mean())}
                     for c, d in self.support_draws.items()},
            "npv_with": {c: _summary(d) for c, d in self.npv_draws.items()},
            "npv_without": {c: _summary(d) for c, d in self.npv_without_support.items()},
            "project_npv": {k: _summary(d) for k, d in self.project_npv.items()},
        }

    def summary(self) -> dict:
        """Plain dict: base case and distributions per country."""
        return {
            "project": self.project_id,
            "base": self.base,
            "monte_carlo": {
                c: {"npv": _summary(self.npv_draws[c]), "irr": _summary(self.irr_draws[c]),
                    "payback_years": _summary(self.payback_draws[c])}
                for c in self.npv_draws
            },
            "capex": _summary(self.capex_draws),
            "online_year": self.online_year,
            "paid_by_year": self.paid_by_year,
            "paid_expected": self.paid_expected,
            "base_cash_flows": self.base_flows,
            "support": self.support_summary(),
            "draws": int(self.capex_draws.size),
        }


def appraise_project(
    project: Project,
    *,
    draws: int | None = None,
    seed: int | None = None,
    assumptions: Assumptions | None = None,
    agreements: Mapping[str, Agreement] | None = None,
) -> Appraisal:
    """Base case and Monte Carlo appraisal of ``project`` for every country with a cash flow."""
    a = assumptions or Assumptions()
    n = int(a["invest_draws"] if draws is None else draws)
    rng = np.random.default_rng(a["invest_seed"] if seed is None else seed)
    start = project.notice_date.year
    offset = start - a["invest_base_year"]
    base_cf = cash_flows(project, Draws.base())
    base_split = split_cash(project, base_cf, agreements)
    mc = draw_uncertainty(project, n, rng, a) if n > 0 else Draws.base()
    mc_cf = cash_flows(project, mc)
    mc_split = split_cash(project, mc_cf, agreements)
    base: dict[str, dict[str, float]] = {}
    npv_d, irr_d, pay_d = {}, {}, {}
    for c, flows in mc_split.items():
        r = discount_rate(c, a)
        bf = base_split[c]
        base[c] = {"npv": float(calc_npv(bf, r, offset)[0]), "irr": float(calc_irr(bf)[0]),
                   "payback_years": float(calc_payback(bf)[0])}
        npv_d[c], irr_d[c], pay_d[c] = calc_npv(flows, r, offset), calc_irr(flows), \
            calc_payback(flows)
    paid, _ = payments(project, base_cf, agreements)
    mc_paid, _ = payments(project, mc_cf, agreements)
    first = np.argmax(mc_cf.operating, axis=1)
    extra: dict = {}
    if project.support is not None:
        extra = _support_appraisal(project, mc, base_cf, mc_cf, offset, a, agreements)
    return Appraisal(
        project_id=project.id,
        base=base,
        npv_draws=npv_d,
        irr_draws=irr_d,
        payback_draws=pay_d,
        capex_draws=mc_cf.capex.sum(axis=1),
        online_year={"announced": float(start + project.lead_time_years),
                     "expected": float(start + first.mean())},
        paid_by_year={c: {start + i: float(v) for i, v in enumerate(f[0]) if v > 0}
                      for c, f in paid.items()},
        paid_expected={c: float(f.sum(axis=1).mean()) for c, f in mc_paid.items()},
        base_flows={c: [float(v) for v in f[0]] for c, f in base_split.items()},
        **extra,
    )


def _investors(project: Project, cf: CashFlows, agreements: Mapping[str, Agreement] | None,
               ) -> np.ndarray:
    """The project's investors' cash flow (all of them together): capex, revenue without the
    floor top-up, opex and salvage, plus every support transfer into the project."""
    inflow = sum(support_costs(project, cf, agreements).values(), np.zeros_like(cf.capex))
    return cf.distributable - cf.topup - cf.capex + inflow


def _support_appraisal(
    project: Project, mc: Draws, base_cf: CashFlows, mc_cf: CashFlows, offset: float,
    a: Assumptions, agreements: Mapping[str, Agreement] | None,
) -> dict:
    """Appraisal fields for a supported project: each payer's PV cost per draw and in the base
    case, and the NPVs on the same draws without the support."""
    bare = project.model_copy(update={"support": None})
    bare_cf = cash_flows(bare, mc)
    host_r = discount_rate(project.host, a)
    base_cost = support_costs(project, base_cf, agreements)
    return {
        "support": project.support.model_dump(mode="json", exclude_none=True),
        "support_draws": {c: calc_npv(f, discount_rate(c, a), offset)
                          for c, f in support_costs(project, mc_cf, agreements).items()},
        "support_base": {c: float(calc_npv(f, discount_rate(c, a), offset)[0])
                         for c, f in base_cost.items()},
        "npv_without_support": {c: calc_npv(f, discount_rate(c, a), offset)
                                for c, f in split_cash(bare, bare_cf, agreements).items()},
        "project_npv": {"with": calc_npv(_investors(project, mc_cf, agreements), host_r, offset),
                        "without": calc_npv(_investors(bare, bare_cf, agreements), host_r,
                                            offset)},
    }

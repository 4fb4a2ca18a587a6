#!/usr/bin/env python3
"""Random but valid MARAC referral files that stress definitions.md §2 and §6.

    python3 generate.py SEED OUTDIR

writes OUTDIR/referrals.csv, OUTDIR/cases.txt (one `--from X --to Y` line per
period) and OUTDIR/expected-N.csv (the oracle's return for line N).

Every scenario row says what it is in the `notes` column.  Scenarios whose
answer the spec leaves open (see CHOICES.md, "contested") are only put into
seeds divisible by 3, so the other seeds test only rules the spec decides.
"""
import calendar
import csv
import datetime as dt
import os
import random
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

D = dt.date
LATEST = D(2026, 11, 20)          # no date in a file may be after this

HEADER = ["referral_ref", "referral_date", "meeting_date", "victim_ref",
          "victim_forename", "victim_surname", "victim_dob", "victim_gender",
          "victim_ethnicity", "victim_lgbt", "victim_disabled", "perpetrator_ref",
          "perpetrator_forename", "perpetrator_surname", "perpetrator_dob",
          "relationship", "referring_agency", "dash_score",
          "professional_judgement", "children_count", "idva", "notes"]

# Invented names; some carry accents, apostrophes, spaces or hyphens so that
# the spelling variants below have something to work on.
FORENAMES = ["Ann", "Beth", "Chloe", "Zoë", "Renée", "Siobhán", "Aoife", "Niamh",
             "Grace", "Hannah", "Maryam", "Fatima", "Priya", "Mei", "Kiran",
             "Amira", "Keisha", "Marta", "Agnieszka", "José", "Inès", "Chloé",
             "Ifeoma", "Sophie", "Lucy", "Emma", "Olivia", "Jade", "Mary-Jo",
             "Ryan", "James", "Oliver", "Tomasz", "Kwame", "Yusuf", "Ethan",
             "Mohammed", "Dan", "Carl", "Eddie", "Ian", "Bob", "Noël", "Anaïs",
             "Björn", "Leah", "Tia", "Sana", "Ruth", "Dara"]
SURNAMES = ["Lee", "O'Neil", "O'Brien", "Da Silva", "Van der Berg", "McCarthy",
            "Smith-Jones", "Okafor", "Jones", "Smith", "Moe", "Poe", "Nowak",
            "Kowalski", "Hussain", "Ahmed", "Walker", "Evans", "Brown", "Clarke",
            "Mensah", "Adeyemi", "Levy", "Taylor", "Green", "Hall", "Wilson",
            "Davies", "Núñez", "Müller", "Weiß", "Ó Súilleabháin", "D'Souza",
            "Łukasz", "Pérez", "Fernández", "Kaya", "Öztürk", "Nguyen", "Brennan"]

ETHNICITIES = [  # (canonical ONS 2021 category, weight)
    ("White: English, Welsh, Scottish, Northern Irish or British", 30),
    ("White: Irish", 4), ("White: Gypsy or Irish Traveller", 3), ("White: Roma", 3),
    ("White: Other White", 8),
    ("Mixed: White and Black Caribbean", 2), ("Mixed: White and Black African", 2),
    ("Mixed: White and Asian", 2), ("Mixed: Other Mixed", 2),
    ("Asian: Indian", 3), ("Asian: Pakistani", 3), ("Asian: Bangladeshi", 3),
    ("Asian: Chinese", 2), ("Asian: Other Asian", 2),
    ("Black: African", 3), ("Black: Caribbean", 3), ("Black: Other Black", 2),
    ("Other: Arab", 2), ("Other: Any other ethnic group", 2),
    ("Asian", 2), ("Black", 2), ("Mixed", 2), ("White", 6), ("Other", 2),
    ("", 8),
]

AGENCIES = [label for _, label in oracle.SOURCES]
AGENCY_WEIGHTS = [30, 4, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]
YES_FORMS = ["Y", "Yes", "True", "true", "1"]
NO_FORMS = ["N", "No", "False", "false", "0"]
RELATIONSHIPS = ["partner", "ex-partner", "family", "other"]


# --------------------------------------------------------------------------
# Date helpers
# --------------------------------------------------------------------------

def add_months(d, months):
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return D(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def years_before(d, years):
    """The date `years` years before d (a 29 February with no match: None)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return None


# --------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------

class Victim:
    def __init__(self, g, ref=None, dob=None, forename=None, surname=None, **kw):
        rng = g.rng
        self.forename = forename or rng.choice(FORENAMES)
        self.surname = surname or rng.choice(SURNAMES)
        self.dob = dob
        self.ref = ref
        self.show_dob_with_ref = kw.get("show_dob_with_ref", True)
        self.gender = kw.get("gender") or rng.choices(
            ["female", "male", "other", "unknown"], [86, 11, 2, 1])[0]
        self.ethnicity = kw.get("ethnicity")
        if self.ethnicity is None:
            self.ethnicity = rng.choices([e for e, _ in ETHNICITIES],
                                         [w for _, w in ETHNICITIES])[0]
        self.lgbt = kw.get("lgbt", rng.random() < 0.06)
        self.disabled = kw.get("disabled", rng.random() < 0.08)
        self.perp_names = set()          # normalised names of this victim's perpetrators


class Perp:
    def __init__(self, g, ref=None, dob=None, forename=None, surname=None):
        self.forename = forename or g.rng.choice(FORENAMES)
        self.surname = surname or g.rng.choice(SURNAMES)
        self.ref = ref
        self.dob = dob

    def dob_is_adult(self, day):
        return self.dob is None or oracle.age_on(self.dob, day) >= 19

    @property
    def norm(self):
        return (oracle.norm_name(self.forename), oracle.norm_name(self.surname))


# --------------------------------------------------------------------------
# Spelling variants (all of which the identity rules must see through)
# --------------------------------------------------------------------------

def strip_accents(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def name_variant(rng, s, plain=False):
    if plain:
        return s
    choice = rng.random()
    if choice < 0.55:
        return s
    forms = [
        s.upper(), s.lower(), strip_accents(s), strip_accents(s).upper(),
        unicodedata.normalize("NFD", s),           # accents as combining marks
        s.replace("'", ""), s.replace("'", " "), s.replace("-", " "),
        s.replace(" ", ""), s.replace("ß", "ss"), s.replace("ß", "SS").upper(),
        " " + s + " ",
    ]
    out = rng.choice(forms)
    return out if oracle.norm_name(out) == oracle.norm_name(s) else s


def ref_variant(rng, ref):
    return rng.choice([ref, ref, ref.lower(), ref.upper(), " " + ref + " "])


def render_date(rng, d):
    if d is None:
        return ""
    f = rng.random()
    if f < 0.6:
        return d.isoformat()
    if f < 0.85:
        return "%02d/%02d/%04d" % (d.day, d.month, d.year)
    return "%d/%d/%04d" % (d.day, d.month, d.year)


def render_ethnicity(rng, e):
    if not e:
        return ""
    return rng.choices([e, e.upper(), e.lower()], [6, 1, 1])[0]


def render_yn(rng, v):
    return rng.choice(YES_FORMS if v else NO_FORMS)


def render_agencies(rng, agencies):
    out = []
    for a in agencies:
        out.append(rng.choices([a, a.upper(), a.lower()], [5, 2, 2])[0])
    return ";".join(out)


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------

class Generator:
    def __init__(self, seed):
        self.seed = seed
        self.rng = random.Random(seed)
        self.contested = seed % 3 == 0
        rng = self.rng
        # A span of 26-36 months, never after LATEST.  Seeds = 0 (mod 5) start
        # early enough for 28 Feb / 1 Mar 2022, seeds = 1 (mod 5) run to at
        # least 31 Mar 2026 (the dates where a 29 February birthday matters);
        # the others contain 1 Feb 2023 .. 31 Mar 2025.
        if seed % 5 == 0:
            self.start = rng.choice([D(2022, 1, 1), D(2022, 2, 1)])
            months = rng.randint(26, 36)
        elif seed % 5 == 1:
            self.start = rng.choice([D(2023, 9, 1), D(2023, 10, 1), D(2024, 1, 1)])
            need = (2026 - self.start.year) * 12 + 4 - self.start.month
            months = rng.randint(need, 34)
        else:
            self.start = rng.choice([D(2022, 4, 1), D(2022, 7, 1), D(2022, 10, 1),
                                     D(2023, 1, 1), D(2023, 2, 1)])
            months = rng.randint(26, 36)
        self.end = min(add_months(self.start, months) - dt.timedelta(days=1), LATEST)
        # Meetings every four weeks, on a Wednesday.
        first = self.start + dt.timedelta(days=(2 - self.start.weekday()) % 7 + 7)
        self.meetings = []
        m = first
        while m <= self.end:
            self.meetings.append(m)
            m += dt.timedelta(days=28)
        self.referrals = []
        self.victim_keys = set()
        self.used_refs = set()
        self.n_victim_ref = 0
        self.n_perp_ref = 0

    # ---- people -----------------------------------------------------------

    def random_dob(self, lo_year=1950, hi_year=2000):
        start = D(lo_year, 1, 1).toordinal()
        end = D(hi_year, 12, 31).toordinal()
        return D.fromordinal(self.rng.randint(start, end))

    def new_victim_ref(self):
        self.n_victim_ref += 1
        prefix = self.rng.choice(["MP", "V", "CS", "NHS-"])
        return "%s%06d" % (prefix, self.seed * 10000 + self.n_victim_ref)

    def new_perp_ref(self):
        self.n_perp_ref += 1
        return "P%05d" % (self.seed * 1000 + self.n_perp_ref)

    def new_victim(self, mode=None, dob=None, **kw):
        """mode 'ref' (victim_ref, dob shown or not) or 'dob' (name + dob)."""
        rng = self.rng
        mode = mode or rng.choices(["ref", "dob"], [15, 85])[0]
        for _ in range(100):
            v = Victim(self, dob=dob or self.random_dob(1950, 2004), **kw)
            if mode == "ref":
                v.ref = self.new_victim_ref()
                # A victim given by reference sometimes comes without a date of
                # birth; only adults (born before 2000), so that no age count
                # depends on a dob given elsewhere (see CHOICES.md).
                if "show_dob_with_ref" not in kw:
                    v.show_dob_with_ref = v.dob.year >= 2000 or rng.random() < 0.5
                key = "ref:" + v.ref.casefold()
            else:
                key = "name:%s|%s|%s" % (oracle.norm_name(v.forename),
                                         oracle.norm_name(v.surname), v.dob.isoformat())
            if key not in self.victim_keys:
                self.victim_keys.add(key)
                v.key = key
                return v
        raise RuntimeError("could not make a distinct victim")

    def new_perp(self, victim=None, kind=None, dob=None, **kw):
        """kind: 'ref', 'dob' or 'name' (neither ref nor dob)."""
        rng = self.rng
        kind = kind or rng.choices(["ref", "dob", "name"], [15, 45, 40])[0]
        for _ in range(100):
            p = Perp(self, **kw)
            if victim is not None and p.norm in victim.perp_names:
                continue
            if kind == "ref":
                p.ref = self.new_perp_ref()
                p.dob = dob or (self.random_dob(1955, 2000) if rng.random() < 0.5 else None)
            elif kind == "dob":
                p.dob = dob or self.random_dob(1955, 2000)
            p.kind = kind
            if victim is not None:
                victim.perp_names.add(p.norm)
            return p
        raise RuntimeError("could not make a distinct perpetrator")

    def attach(self, victim, perp):
        """Use an existing perpetrator for (another) victim."""
        if perp.norm in victim.perp_names:
            return False
        victim.perp_names.add(perp.norm)
        return True

    # ---- referrals ----------------------------------------------------------

    def meeting_for(self, day, allow_none=True):
        rng = self.rng
        later = [m for m in self.meetings if m >= day + dt.timedelta(days=2)]
        if not later:
            return None
        if allow_none and rng.random() < 0.04:
            return None                       # withdrawn / never heard
        i = 1 if (rng.random() < 0.1 and len(later) > 1) else 0
        return later[i]

    def add(self, day, victim, perp, perp_mode=None, note="", meeting="auto",
            show_victim_dob=None):
        """perp_mode: 'ref', 'dob' (name+dob, no ref) or 'name' (name only)."""
        if day < self.start or day > self.end:
            return None
        if perp_mode is None:
            perp_mode = {"ref": "ref", "dob": "dob", "name": "name"}[perp.kind]
        r = {
            "date": day, "victim": victim, "perp": perp, "perp_mode": perp_mode,
            "note": note,
            "meeting": self.meeting_for(day) if meeting == "auto" else meeting,
            "show_victim_dob": show_victim_dob,
        }
        self.referrals.append(r)
        return r

    def case_dates(self, first, count):
        """Dates for one case: gaps short, exactly 12 months, 12 months + 1 day, long."""
        rng = self.rng
        dates = [first]
        for _ in range(count - 1):
            prev = dates[-1]
            kind = rng.choices(["short", "exact", "plus1", "long"], [55, 12, 10, 23])[0]
            if kind == "short":
                nxt = prev + dt.timedelta(days=rng.randint(1, 330))
            elif kind == "exact":
                nxt = add_months(prev, 12)
            elif kind == "plus1":
                nxt = add_months(prev, 12) + dt.timedelta(days=1)
            else:
                nxt = prev + dt.timedelta(days=rng.randint(380, 620))
            dates.append(nxt)
        return dates

    def random_day(self, lo=None, hi=None):
        lo = lo or self.start
        hi = hi or self.end
        return D.fromordinal(self.rng.randint(lo.toordinal(), hi.toordinal()))

    # ---- the population -----------------------------------------------------

    def base_population(self, n_victims):
        rng = self.rng
        for _ in range(n_victims):
            v = self.new_victim()
            n_cases = rng.choices([1, 2, 3], [80, 16, 4])[0]
            for _ in range(n_cases):
                p = self.new_perp(v)
                count = rng.choices([1, 2, 3, 4], [55, 28, 12, 5])[0]
                dates = self.case_dates(self.random_day(), count)
                first_keyed = None
                for i, d in enumerate(sorted(dates)):
                    mode = p.kind
                    # Perpetrators with a ref or dob are sometimes written by
                    # name only, after a keyed referral of the same case.
                    if (p.kind != "name" and first_keyed is not None
                            and p.dob_is_adult(d) and rng.random() < 0.3):
                        mode = "name"
                    r = self.add(d, v, p, mode)
                    if r is not None and mode != "name" and first_keyed is None:
                        first_keyed = r

    def scenarios(self):
        rng = self.rng
        S = self.start

        # Repeats around the 12-month boundary, 29 February included.
        pairs = [
            (D(2023, 2, 28), D(2024, 2, 29), "12 months before 29 Feb 2024 is 28 Feb 2023: boundary day, a repeat"),
            (D(2023, 2, 27), D(2024, 2, 29), "one day outside the window ending 29 Feb 2024: not a repeat"),
            (D(2024, 2, 29), D(2025, 2, 28), "29 Feb 2024 then 28 Feb 2025: within 12 months, a repeat"),
            (D(2024, 2, 29), D(2025, 3, 1), "29 Feb 2024 then 1 Mar 2025: more than 12 months, new referral"),
            (D(2024, 2, 28), D(2025, 2, 28), "exactly 12 months: a repeat"),
            (D(2023, 3, 1), D(2024, 2, 29), "1 Mar 2023 then 29 Feb 2024: a repeat"),
            (D(2024, 5, 31), D(2025, 5, 31), "exactly 12 months at a month end: a repeat"),
            (D(2023, 8, 14), D(2024, 8, 15), "12 months and one day: new referral"),
        ]
        for _ in range(2):
            a = self.random_day(S, add_months(self.end, -13))
            if a.month == 2 and a.day >= 28:
                a -= dt.timedelta(days=3)   # 28 Feb + 12 months + 1 day may be 29 Feb (a repeat)
            b = add_months(a, 12)
            pairs.append((a, b, "exactly 12 months after the last referral: a repeat"))
            pairs.append((a, b + dt.timedelta(days=1), "12 months and one day after the last referral"))
        for a, b, note in pairs:
            if a < S or b > self.end:
                continue
            v = self.new_victim()
            p = self.new_perp(v, kind=rng.choice(["ref", "dob", "name"]))
            self.add(a, v, p, note="first referral of the case")
            self.add(b, v, p, note=note)

        # Three referrals: the third is inside 12 months of the second only.
        a = self.random_day(S, add_months(self.end, -22))
        v = self.new_victim()
        p = self.new_perp(v, kind="dob")
        self.add(a, v, p, note="first referral")
        self.add(add_months(a, 10), v, p, note="10 months later: repeat")
        self.add(add_months(a, 21), v, p, note="11 months after the last referral (21 after the first): repeat")

        # The earlier referral was never heard at a meeting: it still counts.
        a = self.random_day(S, add_months(self.end, -8))
        v = self.new_victim()
        p = self.new_perp(v, kind="dob")
        self.add(a, v, p, note="referral never heard (no meeting date)", meeting=None)
        self.add(a + dt.timedelta(days=rng.randint(40, 200)), v, p,
                 note="repeat of a referral that had no meeting")

        # Victim written with different case / accents / punctuation.
        for fn, sn in [("Zoë", "O'Neil"), ("Renée", "Da Silva"), ("Siobhán", "Weiß"),
                       ("Mary-Jo", "Ó Súilleabháin")]:
            v = self.new_victim(mode="dob", forename=fn, surname=sn)
            p = self.new_perp(v, kind="dob")
            a = self.random_day(S, add_months(self.end, -6))
            for i, d in enumerate([a, a + dt.timedelta(days=rng.randint(20, 150))]):
                r = self.add(d, v, p, note="victim name spelt differently: same person")
                if r is not None:
                    r["victim_name"] = [(fn, sn), (strip_accents(fn).upper(),
                                                   sn.replace("'", "").replace("ß", "ss").lower())][i]

        # victim_ref versus name + dob: two different people until merged.
        v1 = self.new_victim(mode="ref")
        v1.show_dob_with_ref = True
        v2 = Victim(self, dob=v1.dob, forename=v1.forename, surname=v1.surname,
                    gender=v1.gender, ethnicity=v1.ethnicity, lgbt=v1.lgbt,
                    disabled=v1.disabled)
        v2.key = "name:%s|%s|%s" % (oracle.norm_name(v2.forename),
                                    oracle.norm_name(v2.surname), v2.dob.isoformat())
        if v2.key not in self.victim_keys:
            self.victim_keys.add(v2.key)
            p = self.new_perp(v1, kind="dob")
            self.attach(v2, p)
            a = self.random_day(S, add_months(self.end, -6))
            self.add(a, v1, p, note="victim given by victim_ref (with dob)")
            self.add(a + dt.timedelta(days=rng.randint(20, 120)), v2, p,
                     note="same name and dob but no victim_ref: a different key, not a repeat")

        # Perpetrator references in different case.
        v = self.new_victim()
        p = self.new_perp(v, kind="ref")
        a = self.random_day(S, add_months(self.end, -6))
        r1 = self.add(a, v, p, note="perpetrator by reference")
        r2 = self.add(a + dt.timedelta(days=rng.randint(10, 150)), v, p,
                      note="same perpetrator reference in lower case with another forename: a repeat")
        if r1 and r2:
            r1["perp_ref_text"] = p.ref.upper()
            r2["perp_ref_text"] = p.ref.lower()
            r2["perp_name"] = (p.forename[0] + ".", p.surname)

        # Perpetrator ref versus name + dob: different keys, not a repeat.
        v = self.new_victim()
        p = self.new_perp(v, kind="ref", dob=self.random_dob(1960, 1999))
        a = self.random_day(S, add_months(self.end, -6))
        self.add(a, v, p, "ref", note="perpetrator by reference")
        self.add(a + dt.timedelta(days=rng.randint(10, 150)), v, p, "dob",
                 note="same perpetrator by name and dob only: a different key, not a repeat")

        # Same perpetrator name, different dob: two perpetrators.
        v = self.new_victim()
        p1 = self.new_perp(v, kind="dob")
        p2 = Perp(self, forename=p1.forename, surname=p1.surname, dob=p1.dob + dt.timedelta(days=400))
        p2.kind = "dob"
        a = self.random_day(S, add_months(self.end, -6))
        self.add(a, v, p1, note="perpetrator by name and dob")
        self.add(a + dt.timedelta(days=rng.randint(10, 150)), v, p2,
                 note="same perpetrator name with another dob: another perpetrator, not a repeat")

        # Perpetrator without ref or dob, matched by name within the victim's cases.
        v = self.new_victim()
        p = self.new_perp(v, kind="dob")
        a = self.random_day(S, add_months(self.end, -8))
        self.add(a, v, p, note="perpetrator by name and dob")
        self.add(a + dt.timedelta(days=rng.randint(10, 150)), v, p, "name",
                 note="perpetrator by name only: matched within the victim's cases, a repeat")
        v = self.new_victim()
        p = self.new_perp(v, kind="ref")
        a = self.random_day(S, add_months(self.end, -8))
        self.add(a, v, p, note="perpetrator by reference")
        self.add(a + dt.timedelta(days=rng.randint(10, 150)), v, p, "name",
                 note="perpetrator by name only: matched to the referenced perpetrator, a repeat")
        v = self.new_victim()
        p = self.new_perp(v, kind="name")
        a = self.random_day(S, add_months(self.end, -8))
        r1 = self.add(a, v, p, note="perpetrator by name only")
        r2 = self.add(a + dt.timedelta(days=rng.randint(10, 150)), v, p, "name",
                      note="perpetrator by name only, spelt differently: a repeat")
        if r2:
            r2["perp_name"] = (p.forename.upper(), strip_accents(p.surname).lower())

        # Two victims with the same perpetrator (one by name only): separate cases.
        pv = self.new_perp(None, kind=rng.choice(["ref", "dob"]))
        va, vb, vc = self.new_victim(), self.new_victim(), self.new_victim()
        a = self.random_day(S, add_months(self.end, -6))
        for i, vx in enumerate([va, vb]):
            self.attach(vx, pv)
            self.add(a + dt.timedelta(days=7 * i), vx, pv,
                     note="two victims with the same perpetrator: separate cases, not repeats")
        self.attach(vc, pv)
        self.add(a + dt.timedelta(days=30), vc, pv, "name",
                 note="perpetrator by name only who is known for another victim: not matched (a new case)")

        # One victim with two perpetrators, interleaved.
        v = self.new_victim()
        p1 = self.new_perp(v, kind="dob")
        p2 = self.new_perp(v, kind=rng.choice(["ref", "name"]))
        a = self.random_day(S, add_months(self.end, -8))
        self.add(a, v, p1, note="victim with two perpetrators: first case")
        self.add(a + dt.timedelta(days=20), v, p2, note="same victim, another perpetrator: not a repeat")
        self.add(a + dt.timedelta(days=90), v, p1, note="first perpetrator again: a repeat")
        self.add(a + dt.timedelta(days=130), v, p2, note="second perpetrator again: a repeat")

        # Ages at referral.
        self.age_scenarios()

        # Referrals with meetings just either side of the periods and none at all.
        for m in self.meetings[:2] + self.meetings[-2:]:
            v = self.new_victim()
            p = self.new_perp(v)
            self.add(m - dt.timedelta(days=rng.randint(2, 25)), v, p, meeting=m,
                     note="heard at an edge meeting")
        for _ in range(rng.randint(2, 5)):
            v = self.new_victim()
            p = self.new_perp(v)
            self.add(self.random_day(self.end - dt.timedelta(days=40), self.end), v, p,
                     meeting=None, note="not yet heard")

        if self.contested:
            self.contested_scenarios()

    def age_scenarios(self):
        rng = self.rng
        S, E = self.start, self.end
        young = []

        def young_victim(day, years, note):
            dob = years_before(day, years)
            if dob is None or day < S or day > E:
                return
            v = self.new_victim(mode=rng.choice(["ref", "dob"]), dob=dob, show_dob_with_ref=True)
            p = self.new_perp(v, kind=rng.choice(["dob", "ref", "name"]),
                              dob=self.random_dob(1995, 2005))
            self.add(day, v, p, note=note, meeting=self.meeting_for(day, allow_none=False))

        for years, label in [(16, "16th"), (17, "17th"), (18, "18th")]:
            for _ in range(2):
                d = self.random_day(S, E - dt.timedelta(days=30))
                if d.month == 2 and d.day == 29:
                    d -= dt.timedelta(days=1)
                young_victim(d, years, "victim's %s birthday on the referral date" % label)
        d = self.random_day(S, E - dt.timedelta(days=30))
        dob = years_before(d + dt.timedelta(days=1), 18)
        if dob is not None:
            v = self.new_victim(mode="dob", dob=dob)
            p = self.new_perp(v, kind="dob", dob=self.random_dob(1990, 2004))
            self.add(d, v, p, note="victim 18 tomorrow: 17 at referral",
                     meeting=self.meeting_for(d, allow_none=False))

        # 29 February birthdays.
        leap = [(D(2008, 2, 29), D(2024, 2, 29), "victim born 29 Feb 2008, referred on her 16th birthday"),
                (D(2008, 2, 29), D(2025, 2, 28), "victim born 29 Feb 2008, referred 28 Feb 2025: 16"),
                (D(2008, 2, 29), D(2026, 2, 28), "victim born 29 Feb 2008, referred 28 Feb 2026: 17 (18 on 1 March)"),
                (D(2008, 2, 29), D(2026, 3, 1), "victim born 29 Feb 2008, referred 1 Mar 2026: 18"),
                (D(2004, 2, 29), D(2022, 2, 28), "victim born 29 Feb 2004, referred 28 Feb 2022: 17"),
                (D(2004, 2, 29), D(2022, 3, 1), "victim born 29 Feb 2004, referred 1 Mar 2022: 18")]
        for dob, day, note in leap:
            if S <= day <= E:
                v = self.new_victim(mode="dob", dob=dob)
                p = self.new_perp(v, kind="dob", dob=self.random_dob(1990, 2005))
                self.add(day, v, p, note=note, meeting=self.meeting_for(day, allow_none=False))

        # Perpetrators aged exactly 17 and 18, and young perpetrators.
        for years, note in [(17, "perpetrator's 17th birthday on the referral date: counted"),
                            (18, "perpetrator's 18th birthday on the referral date: not counted"),
                            (16, "perpetrator aged 16"), (15, "perpetrator aged 15")]:
            d = self.random_day(S, E - dt.timedelta(days=30))
            if d.month == 2 and d.day == 29:
                d -= dt.timedelta(days=1)
            v = self.new_victim(dob=self.random_dob(1990, 2004))
            p = self.new_perp(v, kind=rng.choice(["dob", "ref"]), dob=years_before(d, years))
            if p.dob is None:
                p.dob = years_before(d, years)
            self.add(d, v, p, p.kind, note=note, meeting=self.meeting_for(d, allow_none=False))
        d = self.random_day(S, E - dt.timedelta(days=30))
        v = self.new_victim(dob=self.random_dob(1990, 2004))
        p = self.new_perp(v, kind="dob", dob=years_before(d + dt.timedelta(days=1), 18))
        if p.dob:
            self.add(d, v, p, note="perpetrator 18 tomorrow: 17 at referral, counted",
                     meeting=self.meeting_for(d, allow_none=False))
        for dob, day, note in [
                (D(2008, 2, 29), D(2026, 2, 28), "perpetrator born 29 Feb 2008, referred 28 Feb 2026: 17, counted"),
                (D(2008, 2, 29), D(2026, 3, 1), "perpetrator born 29 Feb 2008, referred 1 Mar 2026: 18"),
                (D(2004, 2, 29), D(2022, 2, 28), "perpetrator born 29 Feb 2004, referred 28 Feb 2022: 17, counted"),
                (D(2004, 2, 29), D(2022, 3, 1), "perpetrator born 29 Feb 2004, referred 1 Mar 2022: 18"),
                (D(2008, 2, 29), D(2025, 2, 28), "perpetrator born 29 Feb 2008, referred 28 Feb 2025: 16")]:
            if S <= day <= E:
                v = self.new_victim(dob=self.random_dob(1990, 2004))
                p = self.new_perp(v, kind="dob", dob=dob)
                self.add(day, v, p, note=note, meeting=self.meeting_for(day, allow_none=False))

    def contested_scenarios(self):
        """Rows whose answer the spec leaves open (CHOICES.md, contested)."""
        rng = self.rng
        S = self.start
        # Same case referred twice on the same day: the later referral_ref is a repeat.
        v = self.new_victim()
        p = self.new_perp(v, kind="dob")
        d = self.random_day(S, add_months(self.end, -3))
        m = self.meeting_for(d, allow_none=False)
        self.add(d, v, p, note="CONTESTED same case twice on one day (first)", meeting=m)
        self.add(d, v, p, note="CONTESTED same case twice on one day (second): a repeat by referral_ref order", meeting=m)

        # Name-only perpetrator referred before the keyed referral of the same case.
        v = self.new_victim()
        p = self.new_perp(v, kind="dob")
        a = self.random_day(S, add_months(self.end, -6))
        self.add(a, v, p, "name",
                 note="CONTESTED perpetrator by name only, before any keyed referral of this case")
        self.add(a + dt.timedelta(days=rng.randint(20, 150)), v, p, "dob",
                 note="CONTESTED same perpetrator with dob: matched to the earlier name-only one, a repeat")

        # Perpetrator aged 17 named only, dob known from a keyed referral of the case.
        d = self.random_day(S + dt.timedelta(days=60), self.end - dt.timedelta(days=40))
        v = self.new_victim(dob=self.random_dob(1990, 2004))
        p = self.new_perp(v, kind="dob", dob=years_before(d, 17) or D(d.year - 17, 2, 28))
        self.add(d - dt.timedelta(days=rng.randint(20, 50)), v, p, note="CONTESTED young perpetrator by name and dob")
        self.add(d, v, p, "name",
                 note="CONTESTED young perpetrator by name only: aged 17 from the dob known for him",
                 meeting=self.meeting_for(d, allow_none=False))

        # Victim aged 16 by reference, dob given only on another referral.
        b = self.random_day(S, self.end - dt.timedelta(days=100))
        if not (b.month == 2 and b.day == 29):
            v = self.new_victim(mode="ref", dob=years_before(b, 16), show_dob_with_ref=True)
            p = self.new_perp(v, kind="dob")
            d1 = b + dt.timedelta(days=rng.randint(5, 30))
            d2 = d1 + dt.timedelta(days=rng.randint(20, 60))
            self.add(d1, v, p, note="CONTESTED victim by reference with dob")
            self.add(d2, v, p, show_victim_dob=False,
                     note="CONTESTED victim by reference without dob: aged 16 from the dob known for her",
                     meeting=self.meeting_for(d2, allow_none=False))

    # ---- output -------------------------------------------------------------

    def rows(self):
        rng = self.rng
        refs = list(range(1, len(self.referrals) + 1))
        rng.shuffle(refs)
        # referral_ref order decides same-day ties: keep the contested pair in order.
        pair = [i for i, r in enumerate(self.referrals) if "same case twice on one day" in r["note"]]
        if len(pair) == 2:
            refs[pair[0]], refs[pair[1]] = sorted([refs[pair[0]], refs[pair[1]]])
        width = rng.choice([5, 6])
        prefix = rng.choice(["MR-", "M", "REF"])
        out = []
        relationships = {}                    # one relationship per case
        for num, r in zip(refs, self.referrals):
            v, p = r["victim"], r["perp"]
            fn, sn = r.get("victim_name") or (name_variant(rng, v.forename), name_variant(rng, v.surname))
            show_dob = r["show_victim_dob"]
            if show_dob is None:
                show_dob = v.ref is None or v.show_dob_with_ref
            mode = r["perp_mode"]
            pfn, psn = r.get("perp_name") or (name_variant(rng, p.forename), name_variant(rng, p.surname))
            n_agencies = rng.choices([1, 2], [78, 22])[0]
            agencies = []
            while len(agencies) < n_agencies:
                a = rng.choices(AGENCIES, AGENCY_WEIGHTS)[0]
                if a not in agencies:
                    agencies.append(a)
            dash = rng.randint(0, 24)
            row = {
                "referral_ref": "%s%0*d" % (prefix, width, num),
                "referral_date": render_date(rng, r["date"]),
                "meeting_date": render_date(rng, r["meeting"]) if rng.random() < 0.3 else
                                (r["meeting"].isoformat() if r["meeting"] else ""),
                "victim_ref": ref_variant(rng, v.ref) if v.ref else "",
                "victim_forename": fn,
                "victim_surname": sn,
                "victim_dob": render_date(rng, v.dob) if show_dob else "",
                "victim_gender": v.gender,
                "victim_ethnicity": render_ethnicity(rng, v.ethnicity),
                "victim_lgbt": render_yn(rng, v.lgbt),
                "victim_disabled": render_yn(rng, v.disabled),
                "perpetrator_ref": (r.get("perp_ref_text") or ref_variant(rng, p.ref)) if mode == "ref" else "",
                "perpetrator_forename": pfn,
                "perpetrator_surname": psn,
                "perpetrator_dob": render_date(rng, p.dob) if (mode == "dob" or (mode == "ref" and p.dob)) else "",
                "relationship": relationships.setdefault((id(v), id(p)), rng.choice(RELATIONSHIPS)),
                "referring_agency": render_agencies(rng, agencies),
                "dash_score": str(dash),
                "professional_judgement": render_yn(rng, dash < 14 and rng.random() < 0.5),
                "children_count": str(rng.choices([0, 1, 2, 3, 4, 5], [40, 22, 18, 10, 6, 4])[0]),
                "idva": rng.choice(["", "IDVA service"]),
                "notes": r["note"],
            }
            if mode == "dob" and p.dob is None:
                raise RuntimeError("perpetrator shown by dob without one")
            out.append(row)
        rng.shuffle(out)
        return out

    def periods(self):
        rng = self.rng
        fy_starts = [D(y, 4, 1) for y in range(2021, 2027)
                     if D(y, 4, 1) >= self.start and D(y + 1, 3, 31) <= self.end]
        fy = rng.choice(fy_starts)
        if self.seed % 5 == 1 and D(2025, 4, 1) in fy_starts:
            fy = D(2025, 4, 1)            # holds the 28 Feb / 1 Mar 2026 birthdays
        q = rng.randint(0, 3)
        qs = add_months(fy, 3 * q)
        out = [(fy, D(fy.year + 1, 3, 31)),
               (qs, add_months(qs, 3) - dt.timedelta(days=1))]
        years = [y for y in range(2022, 2027) if D(y, 1, 1) >= self.start and D(y, 12, 31) <= self.end]
        if self.seed % 5 == 0:
            # From the first meeting: holds the 28 Feb / 1 Mar 2022 birthdays.
            out.append((self.meetings[0], self.meetings[rng.randint(5, 8)]))
        elif years and self.seed % 2 == 0:
            y = rng.choice(years)
            out.append((D(y, 1, 1), D(y, 12, 31)))
        else:
            # From one meeting day to another, both inclusive.
            i = rng.randint(0, len(self.meetings) - 8)
            out.append((self.meetings[i], self.meetings[i + rng.randint(3, 7)]))
        return out


def generate(seed, outdir):
    g = Generator(seed)
    g.scenarios()
    target = g.rng.randint(120, 760)
    while len(g.referrals) < target - 4:
        g.base_population(1)
    g.referrals = [r for r in g.referrals if r["date"] <= g.end]
    rows = g.rows()
    assert 100 <= len(rows) <= 800, len(rows)
    check(rows)
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, "referrals.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, HEADER, lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    lines = []
    for n, (a, b) in enumerate(g.periods(), 1):
        lines.append("--from %s --to %s" % (a.isoformat(), b.isoformat()))
        result = oracle.build_return(oracle.load(path), a, b)
        with open(os.path.join(outdir, "expected-%d.csv" % n), "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(result)
    with open(os.path.join(outdir, "cases.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return len(rows)


def check(rows):
    """Validity of every row (formats.md)."""
    seen = set()
    for row in rows:
        assert row["referral_ref"] not in seen
        seen.add(row["referral_ref"])
        rd = oracle.parse_date(row["referral_date"])
        assert rd <= LATEST
        md = oracle.parse_date(row["meeting_date"])
        assert md is None or (rd <= md <= LATEST)
        assert row["victim_ref"].strip() or row["victim_dob"]
        assert row["victim_forename"].strip() and row["victim_surname"].strip()
        assert row["perpetrator_forename"].strip() and row["perpetrator_surname"].strip()
        for c in ("victim_dob", "perpetrator_dob"):
            d = oracle.parse_date(row[c])
            assert d is None or d < rd
        vd = oracle.parse_date(row["victim_dob"])
        assert vd is None or oracle.age_on(vd, rd) >= 16, "victim under 16"
        oracle.is_minoritised(row["victim_ethnicity"])
        for c in ("victim_lgbt", "victim_disabled", "professional_judgement"):
            oracle.yes(row[c])
        agencies = row["referring_agency"].split(";")
        assert 1 <= len(agencies) <= 2
        for a in agencies:
            oracle.source_code(a)
        assert 0 <= int(row["dash_score"]) <= 24


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 generate.py SEED OUTDIR")
    n = generate(int(sys.argv[1]), sys.argv[2])
    print("%s: %d referrals" % (sys.argv[2], n))

"""Who the documents belong to, and the patient index they are matched against.

The cohort holds:
  * regular patients, in the index;
  * trap siblings, in the index next to a regular patient: a twin (same family
    name and birth date), a Sr. parent for a Jr., a namesake born another day,
    a near name (one letter off) born the same day;
  * outsiders: people whose documents are scanned but who are not in the index
    (their documents must go to review, never be filed to someone else);
  * several thousand padding patients with realistic names.
"""
import datetime
import random

GIVEN_F = ("Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
           "Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie "
           "Rebecca Sharon Laura Cynthia Dorothy Amy Kathleen Angela Shirley Emma Brenda Pamela Nicole "
           "Anna Samantha Katherine Christine Debra Rachel Carolyn Janet Maria Olivia Heather Helen "
           "Catherine Diane Julie Victoria Joyce Lauren Kelly Christina Ruth Joan Virginia Judith Evelyn "
           "Hannah Andrea Megan Cheryl Jacqueline Madison Teresa Abigail Sophia Martha Sara Gloria Janice "
           "Kathryn Ann Isabella Judy Charlotte Julia Grace Amber Alice Jean Denise Frances Danielle "
           "Marilyn Natalie Beverly Diana Brittany Theresa Kayla Alexis Doris Lori Tiffany Rosa Lucia "
           "Marisol Guadalupe Mei Aisha Fatima Priya Ngoc Yolanda Imani Siobhan").split()
GIVEN_M = ("James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel "
           "Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian Timothy Ronald "
           "George Jason Edward Jeffrey Ryan Jacob Nicholas Gary Eric Jonathan Stephen Larry Justin Scott "
           "Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry Tyler Aaron "
           "Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Christian Walter Keith "
           "Austin Roger Terry Sean Gerald Carl Dylan Harold Jordan Jesse Bryan Lawrence Arthur Gabriel "
           "Bruce Logan Billy Joe Alan Juan Elijah Willie Albert Wayne Randy Mason Vincent Liam Roy Bobby "
           "Caleb Bradley Russell Lucas Miguel Luis Carlos Hector Wei Hiroshi Tuan Kwame Dmitri Rahul "
           "Desmond Cormac").split()
FAMILY = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
          "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
          "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
          "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
          "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers "
          "Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson "
          "Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo "
          "Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell "
          "Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson "
          "Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera "
          "Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez "
          "McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns "
          "Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt "
          "Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer "
          "Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant "
          "Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight "
          "Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado "
          "Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence "
          "Sandoval O'Brien Oconnell Kowalski Nowak Okafor Haddad Yamamoto Petrov Lindqvist "
          "Abernathy Quigley Fairweather Szymanski Delacroix Babatunde").split()

PHYSICIANS = ["Harold Whitcombe", "Renata Osei", "Miriam Castellanos", "Theodore Lindgren",
              "Aparna Venkataraman", "Graham McAllister", "Yusuf Demir", "Colette Marchand",
              "Benedict Okonkwo", "Ingrid Halvorsen", "Samuel Achterberg", "Leticia Obregon",
              "Victor Szabo", "Naomi Feldstein", "Desmond Achebe", "Priscilla Van Dyke"]


def _date(s):
    return datetime.date.fromisoformat(s)


def _shift_years(d, years, rng):
    return datetime.date(d.year + years, rng.randint(1, 12), rng.randint(1, 28))


def _near(name, rng):
    """One letter changed, added or dropped: a different person with a close name."""
    vowels = "aeiou"
    i = rng.randrange(1, len(name))
    c = name[i].lower()
    if c in vowels:
        rep = rng.choice([v for v in vowels if v != c])
        return name[:i] + rep + name[i + 1:]
    if len(name) > 4 and rng.random() < 0.5:
        return name[:i] + name[i + 1:]
    return name[:i] + name[i] + name[i:]  # a doubled letter


class Cohort:
    def __init__(self, synthea, rng, n_padding=4000):
        self.rng = rng
        self.index = []          # patients in the index
        self.regulars = []       # patients documents are mostly about
        self.outsiders = []      # not in the index
        self.traps = []          # (kind, person documents are about, sibling in index)
        self._mrns = set()
        people = [dict(p) for p in synthea]
        rng.shuffle(people)
        n_out = max(6, len(people) // 12)
        for p in people[:n_out]:
            p["mrn"] = None
            self.outsiders.append(p)
        for p in people[n_out:]:
            self._add(p)
            self.regulars.append(p)
        self._make_traps()
        self._make_outsider_lookalikes()
        for _ in range(n_padding):
            self._add(self._random_person())
        rng.shuffle(self.index)

    def new_mrn(self):
        while True:
            m = "%08d" % self.rng.randint(100000, 9999999)
            if m not in self._mrns:
                self._mrns.add(m)
                return m

    def _add(self, p):
        p["mrn"] = self.new_mrn()
        self.index.append(p)
        return p

    def _random_person(self):
        rng = self.rng
        sex = rng.choice("FM")
        given = rng.choice(GIVEN_F if sex == "F" else GIVEN_M)
        d = datetime.date(rng.randint(1925, 2022), rng.randint(1, 12), rng.randint(1, 28))
        return {"given": given, "family": rng.choice(FAMILY), "birth_date": d.isoformat(),
                "sex": sex, "address": "%d %s St" % (rng.randint(2, 990), rng.choice(FAMILY)),
                "city": rng.choice(["Quincy", "Lowell", "Worcester", "Salem", "Framingham"]),
                "zip": "0%04d" % rng.randint(1000, 2799), "suffix": ""}

    def _make_traps(self):
        rng = self.rng
        base = rng.sample(self.regulars, min(len(self.regulars), 24))
        kinds = ["twin", "junior", "namesake", "near_name"] * 6
        for p, kind in zip(base, kinds):
            s = dict(p)
            s["suffix"] = ""
            if kind == "twin":
                pool = GIVEN_F if rng.random() < 0.5 else GIVEN_M
                s["given"] = rng.choice([g for g in pool if g[0] != p["given"][0]])
                s["sex"] = "F" if pool is GIVEN_F else "M"
            elif kind == "junior":
                # the document's patient is the Jr.; the father (Sr.) is in the index too
                p["suffix"] = "Jr."
                s["suffix"] = "Sr."
                s["birth_date"] = _shift_years(_date(p["birth_date"]), -rng.randint(22, 34), rng).isoformat()
            elif kind == "namesake":
                s["birth_date"] = _shift_years(_date(p["birth_date"]), rng.choice([-1, 1]) * rng.randint(3, 30), rng).isoformat()
            elif kind == "near_name":
                if rng.random() < 0.5:
                    s["family"] = _near(p["family"], rng)
                else:
                    s["given"] = _near(p["given"], rng)
            self._add(s)
            self.traps.append((kind, p, s))

    def _make_outsider_lookalikes(self):
        """Outsiders with an in-index namesake (same name, other birth date): the most
        dangerous documents of all, they must not be filed to the namesake."""
        rng = self.rng
        for o in self.outsiders[: len(self.outsiders) // 2]:
            s = dict(o)
            s["birth_date"] = _shift_years(_date(o["birth_date"]), rng.choice([-1, 1]) * rng.randint(2, 25), rng).isoformat()
            self._add(s)
            o["lookalike"] = s["mrn"]

    def write_index_csv(self, path):
        import csv
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["mrn", "family_name", "given_name", "middle_name", "birth_date", "sex", "address"])
            for p in self.index:
                w.writerow([p["mrn"], p["family"], p["given"], "", p["birth_date"], p["sex"], p.get("address", "")])

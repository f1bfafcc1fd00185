// Emergency department notes and progress notes for the training corpus (see
// type_corpus.h): MTSamples has few of either (about thirty emergency room
// reports, a hundred progress and office notes) against two hundred
// consults and histories and physicals, so the model took most visits for
// the latter. Sentences come from pools; nothing here is used by the bench.
#include <array>

#include "bench/type_corpus.h"
#include "bench/type_corpus_words.h"

namespace chartroom::typecorpus {

using namespace words;

namespace {

struct Complaint {
  const char* chief;      // "Chest pain."
  const char* story;      // what happened, after "presents with"
  const char* course;     // what was done in the department
  const char* diagnosis;  // the clinical impression
};

constexpr std::array<Complaint, 14> kComplaints = {{
    {"Chest pain.", "substernal chest pressure that started while shoveling snow", "An EKG showed no acute ST changes; two sets of troponin were negative. Aspirin was given",
     "Chest pain, acute coronary syndrome ruled out"},
    {"Fall.", "a mechanical fall down three stairs at home, striking the head", "CT of the head without contrast showed no acute bleed. The scalp laceration was irrigated and closed with staples",
     "Closed head injury; scalp laceration"},
    {"Laceration to the hand.", "a cut to the left palm from a kitchen knife", "The wound was anesthetized with lidocaine, irrigated and repaired with 4-0 nylon sutures. Tetanus was updated",
     "Laceration of the left hand, repaired"},
    {"Abdominal pain.", "right lower quadrant pain, nausea and anorexia since last night", "Labs showed a white count of 14. CT of the abdomen and pelvis showed acute appendicitis. Surgery was consulted",
     "Acute appendicitis"},
    {"Shortness of breath.", "worsening wheeze and shortness of breath after a cold", "Albuterol and ipratropium nebulizers were given with good relief, and prednisone was started",
     "Asthma exacerbation"},
    {"Motor vehicle collision.", "neck pain after being the restrained driver in a rear-end collision", "The cervical spine was cleared clinically. X-rays were negative",
     "Cervical strain after a motor vehicle collision"},
    {"Ankle injury.", "an inversion injury of the right ankle playing basketball", "X-rays of the ankle showed no fracture. The ankle was splinted and crutches were given",
     "Right ankle sprain"},
    {"Fever.", "fever to 103 and a cough productive of green sputum", "Chest x-ray showed a right lower lobe infiltrate. Blood cultures were drawn and the first dose of ceftriaxone was given",
     "Community-acquired pneumonia"},
    {"Headache.", "the worst headache of the patient's life, sudden in onset", "CT of the head was negative and lumbar puncture showed no xanthochromia. Pain resolved with a migraine cocktail",
     "Headache, subarachnoid hemorrhage ruled out"},
    {"Syncope.", "passing out briefly while standing in line at church", "Orthostatic vital signs were positive. The patient received two liters of normal saline. Telemetry showed sinus rhythm",
     "Syncope, likely orthostatic from dehydration"},
    {"Allergic reaction.", "hives and lip swelling after eating shrimp", "Diphenhydramine, famotidine and methylprednisolone were given, and the patient was observed for four hours",
     "Allergic reaction without airway compromise"},
    {"Kidney stone.", "severe left flank pain radiating to the groin with vomiting", "Ketorolac and ondansetron were given. CT showed a 4 mm left ureteral stone",
     "Left ureterolithiasis"},
    {"Overdose.", "taking an unknown number of acetaminophen tablets", "Poison control was contacted. The four-hour acetaminophen level was below the treatment line",
     "Intentional ingestion; psychiatry evaluation arranged"},
    {"Dog bite.", "a bite to the right forearm from a neighbor's dog", "The wounds were irrigated copiously and left open. Amoxicillin-clavulanate was prescribed",
     "Dog bite of the right forearm"},
}};

std::string vitals(Rng& rng) {
  return "BP " + std::to_string(100 + rng.below(70)) + "/" + std::to_string(60 + rng.below(35)) + ", HR " +
         std::to_string(58 + rng.below(60)) + ", RR " + std::to_string(12 + rng.below(12)) + ", temperature " +
         std::to_string(97 + rng.below(4)) + "." + std::to_string(rng.below(10)) + ", oxygen saturation " +
         std::to_string(90 + rng.below(10)) + "% on room air.";
}

std::string age_sex(const Patient& p, Rng& rng) {
  return std::to_string(18 + rng.below(70)) + "-year-old " +
         (p.sex == 'F' ? pick(rng, std::array<const char*, 2>{"woman", "female"})
                       : pick(rng, std::array<const char*, 2>{"man", "male"}));
}

// A heading in one of the ways dictation systems print it.
std::string heading(Rng& rng, const char* full, const char* shortened) {
  return rng.uniform() < 0.6 ? std::string(full) + ": " : std::string(shortened) + ": ";
}

}  // namespace

Note emergency_note(const Patient& p, Rng& rng) {
  Note n;
  const Complaint& c = kComplaints[rng.below(kComplaints.size())];
  const double t = rng.uniform();
  n.title = t < 0.4 ? "" : t < 0.7 ? to_upper_ascii(std::string(c.chief).substr(0, std::string(c.chief).size() - 1)) + " - ER VISIT"
                                   : pick(rng, std::array<const char*, 4>{"EMERGENCY DEPARTMENT NOTE", "ER REPORT",
                                                                          "EMERGENCY ROOM VISIT", "ED PHYSICIAN RECORD"});
  std::vector<std::string> body;
  if (rng.uniform() < 0.5) body.push_back("TIME SEEN: " + std::to_string(1 + rng.below(12)) + ":" + std::to_string(10 + rng.below(50)) + ". Triage acuity level " + std::to_string(1 + rng.below(4)) + ".");
  body.push_back(heading(rng, "CHIEF COMPLAINT", "CC") + c.chief);
  body.push_back(heading(rng, "HISTORY OF PRESENT ILLNESS", "HPI") + "This is a " + age_sex(p, rng) + " who " +
                 pick(rng, std::array<const char*, 4>{"presents to the emergency department", "was brought in by EMS",
                                                      "comes to the ER by private vehicle", "presents by ambulance"}) +
                 " with " + c.story + ". " +
                 pick(rng, std::array<const char*, 4>{"Symptoms began about two hours prior to arrival.",
                                                      "There was no loss of consciousness.",
                                                      "The patient took ibuprofen at home without relief.",
                                                      "Family members at the bedside confirm the history."}) +
                 " " + pick(rng, std::array<const char*, 3>{"Denies fever or chills.", "No other complaints at this time.",
                                                            "Denies chest pain or shortness of breath."}));
  body.push_back(heading(rng, "PAST MEDICAL HISTORY", "PMH") +
                 pick(rng, std::array<const char*, 4>{"Hypertension.", "Diabetes and hyperlipidemia.", "None.", "Asthma."}));
  body.push_back(heading(rng, "MEDICATIONS", "MEDS") + pick(rng, kMeds) + ".");
  body.push_back("ALLERGIES: " + pick(rng, std::array<const char*, 2>{"NKDA.", "Penicillin."}));
  if (rng.uniform() < 0.6) body.push_back(heading(rng, "REVIEW OF SYSTEMS", "ROS") + "As per HPI, otherwise negative.");
  body.push_back(heading(rng, "PHYSICAL EXAMINATION", "PHYSICAL EXAM") + "VITAL SIGNS: " + vitals(rng) + " GENERAL: " +
                 pick(rng, std::array<const char*, 3>{"Alert, in mild distress.", "Awake and oriented, nontoxic appearing.",
                                                      "Uncomfortable, lying on the stretcher."}) +
                 " Focused examination as documented; the remainder is unremarkable.");
  body.push_back(pick(rng, std::array<const char*, 3>{"EMERGENCY DEPARTMENT COURSE: ", "ED COURSE: ", "ER COURSE: "}) +
                 c.course + ". The patient was reassessed and " +
                 pick(rng, std::array<const char*, 3>{"feels much better.", "remains stable.", "is resting comfortably."}));
  if (rng.uniform() < 0.6) {
    body.push_back("MEDICAL DECISION MAKING: The differential diagnosis was considered, and the workup above was "
                   "ordered and reviewed by me. " +
                   pick(rng, std::array<const char*, 2>{"Risks and benefits were discussed with the patient.",
                                                        "Results were discussed with the patient and family."}));
  }
  body.push_back(pick(rng, std::array<const char*, 3>{"DIAGNOSIS: ", "CLINICAL IMPRESSION: ", "FINAL DIAGNOSIS: "}) +
                 c.diagnosis + ".");
  body.push_back("DISPOSITION: " +
                 pick(rng, std::array<const char*, 4>{
                     "Discharged home in stable condition. Return precautions given; follow up with the primary care physician in two to three days.",
                     "Admitted to the hospitalist service for further care.",
                     "Discharged home with written instructions; return to the ER for worsening symptoms.",
                     "Transferred to the operating room with the surgical team."}));
  body.push_back("Electronically signed by " + pick(rng, kDoctors) + ", MD, emergency physician.");
  n.paragraphs = std::move(body);
  return n;
}

Note progress_note(const Patient& p, Rng& rng) {
  Note n;
  const std::string problem = pick(rng, kProblems);
  const double t = rng.uniform();
  n.title = t < 0.4 ? "" : pick(rng, std::array<const char*, 5>{"PROGRESS NOTE", "FOLLOW-UP VISIT", "OFFICE VISIT",
                                                                 "CLINIC NOTE", "HOSPITAL PROGRESS NOTE"});
  std::vector<std::string> body;
  const bool soap = rng.uniform() < 0.6;
  const bool inpatient = rng.uniform() < 0.3;
  const std::string seen = inpatient ? "Hospital day " + std::to_string(2 + rng.below(6)) + ". " +
                                           pick(rng, std::array<const char*, 3>{"No acute events overnight.",
                                                                                "The nurse reports a fever overnight.",
                                                                                "Slept well; tolerating a regular diet."})
                                     : "The patient returns for follow-up of " + problem + ". " +
                                           (rng.uniform() < 0.34 ? "Since the last visit " + he(p) + " has done well."
                                                                  : pick(rng, std::array<const char*, 2>{
                                                                        "Interval history: symptoms are somewhat better.",
                                                                        "No new complaints since the last visit."}));
  const std::string exam = "Vital signs: " + vitals(rng) + " " +
                           pick(rng, std::array<const char*, 3>{"Lungs clear. Heart regular.", "No distress. Abdomen soft.",
                                                                "Examination unchanged from the last visit."});
  const std::string assessment = pick(rng, std::array<const char*, 3>{"1. ", "", "Assessment: "}) + problem + ", " +
                                 pick(rng, std::array<const char*, 3>{"improving.", "stable.", "not yet at goal."});
  const std::string plan = pick(rng, std::array<const char*, 3>{"Continue the current regimen. ", "Adjust the dose of ",
                                                                "Add "}) +
                           pick(rng, kMeds) + ". " +
                           (inpatient ? pick(rng, std::array<const char*, 2>{"Anticipate discharge in one to two days.",
                                                                             "Continue to monitor on the floor."})
                                      : "Return to clinic in " + std::to_string(2 + rng.below(10)) + " weeks" +
                                            pick(rng, std::array<const char*, 2>{".", " with labs beforehand."}));
  if (soap) {
    const bool letters = rng.uniform() < 0.3;
    body.push_back(std::string(letters ? "S: " : "SUBJECTIVE: ") + seen);
    body.push_back(std::string(letters ? "O: " : "OBJECTIVE: ") + exam);
    body.push_back(std::string(letters ? "A: " : "ASSESSMENT: ") + assessment);
    body.push_back(std::string(letters ? "P: " : "PLAN: ") + plan);
  } else {
    body.push_back(title_name(p) + " is seen today " + (inpatient ? "on rounds. " : "in the office. ") + seen);
    body.push_back(exam);
    body.push_back("IMPRESSION AND PLAN: " + assessment + " " + plan);
  }
  body.push_back(pick(rng, kDoctors) + ", " + pick(rng, std::array<const char*, 3>{"MD", "DO", "NP"}));
  n.paragraphs = std::move(body);
  return n;
}

}  // namespace chartroom::typecorpus

"""A strong model, scripted: it writes what a GPT-4o-class model writes from the sample manual
(samples/aurora-x2-power-station-manual.pdf): its own questions, paraphrased answers with
numbered lists, quoted names and worked arithmetic, and, in some of its answers, a flaw planted
on purpose: a number given to the wrong thing, a "not" added, a wrong unit, a figure the manual
does not have. Its judges accept everything, so what is kept or turned down is the
deterministic checks' doing.

Each record it can write is listed below, with its flaw when it has one: the test of issue 22
holds every scenario to keeping each correct record and turning down each flawed one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from scripted import DEFAULT_HANDLERS, ScriptedClient, _enum, passage_of, prompt_text

from agentsynth.checks.arithmetic import worked_calculations


@dataclass(frozen=True)
class Written:
    """One record as the strong model writes it."""

    key: str  # words of the manual's sentence (or passage) the record is written from
    question: str
    answer: str  # a correct answer
    planted: str | None = None  # the same answer with a flaw planted in it
    flaw: str | None = None  # what is wrong with the planted answer
    audience: str = ""  # persona_qa: the reader (persona id) it is written for
    summary: bool = False  # the answer to a request to summarise its passage


CAMPER, TECHNICIAN = "novice-camper", "field-technician"

# Per chunk of the manual, in the order its reader lists them: a record for each of two readers
# (persona_qa, one question per chunk and reader), a third (seed_from_pdf, four questions per
# chunk, asks the first three facts), and the summary the fourth question asks for.
QA_RECORDS = (
    # Chunk 1: overview and specifications.
    Written("It stores energy in a 1,024 Wh lithium iron phosphate",
            "What kind of battery does the Aurora X2 have, and how much energy does it hold?",
            'It has a lithium iron phosphate ("LiFePO4") battery that holds 1,024 Wh.', audience=CAMPER),
    Written("Four AC outlets deliver a pure sine wave",
            "What continuous and surge power can the AC outlets deliver?",
            "1. Continuous output: 1,800 W.\n2. Surge power: 3,600 W, for motors and compressors.",
            "1. Continuous output: 3,600 W.\n2. Surge power: 1,800 W, for motors and compressors.",
            "continuous and surge power swapped", audience=TECHNICIAN),
    Written("rated for 3,000 charge cycles", "Is the battery rated for more than 2,000 charge cycles?",
            "Yes. It is rated for 3,000 charge cycles before its capacity falls to 80%.\n\n"
            "At one full cycle a day, that is 3,000 / 365 = 8.2 years of daily use."),
    Written("The unit weighs 12.5 kg", "Summarise the Aurora X2's main specifications.",
            "1. **Battery:** 1,024 Wh of LiFePO4, rated for 3,000 cycles to 80% capacity.\n"
            "2. **Outputs:** four 230 V AC outlets (1,800 W continuous, 3,600 W surge), two 100 W USB-C ports "
            "and two 18 W USB-A ports.\n3. **Size:** 12.5 kg, 38 x 26 x 30 cm.", summary=True),
    # Chunk 2: charging and operating.
    Written("Charging from a 12 V car socket", "How long does a full charge take from my car's 12 V socket?",
            "About 10 hours from a 12 V car socket.", "About 12 hours from a 12 V car socket.",
            "12 hours is eco mode's timeout; the car takes 10",
            audience=CAMPER),
    Written("this eco mode can be disabled",
            "Explain what happens when the unit runs for a long time without any load.",
            "It turns itself off after 12 hours without any load to save energy. This eco mode can be disabled "
            "in the Aurora app.",
            "It turns itself off after 12 hours without any load to save energy. This eco mode cannot be disabled.",
            "the manual says eco mode can be disabled in the Aurora app", audience=TECHNICIAN),
    Written("the battery charges from 0 to 80% in 45 minutes",
            "Does charging from the wall to 80% take less than an hour?",
            "Yes. With the wall charger at its default 1,500 W, the battery goes from 0 to 80% in 45 minutes, "
            "and to 100% in 70 minutes."),
    Written("Figure 1 compares the time", "Summarise the ways to charge the Aurora X2 and how long each takes.",
            "1. Wall outlet: 0 to 80% in 45 minutes and 100% in 70 minutes at 1,500 W; \"Quiet Charge\" mode "
            "limits the input to 400 W and takes about 3 hours.\n2. Solar panels (XT60 port, up to 600 W): about "
            "2 hours in full sun.\n3. 12 V car socket: about 10 hours.\n\nFigure 1 compares the three sources.",
            "1. Wall outlet: 0 to 80% in 45 minutes and 100% in 70 minutes at 1,500 W; \"Quiet Charge\" mode "
            "limits the input to 400 W and takes about 3 hours.\n2. Solar panels (XT60 port, up to 600 W): about "
            "2 hours in full sun.\n3. 12 V car socket: about 10 hours.\n\nFigure 2 compares the three sources.",
            "the manual's figure is Figure 1", summary=True),
    # Chunk 3: troubleshooting, storage and warranty.
    Written("comes with a 5-year limited warranty", "How long is the warranty, and how can I extend it?",
            "The 5-year limited warranty becomes 6 years if you register the product within 30 days of "
            "purchase.",
            "The 5-year limited warranty becomes 6 years if you register the product within 60 days of "
            "purchase.", "registration is within 30 days", audience=CAMPER),
    Written("Clean the case with a dry cloth", "How should the case be cleaned?",
            "With a dry cloth only. Solvents and water must not be used on it.", audience=TECHNICIAN),
    Written("Output overload", "Is a cool-down enough to clear an E02 error?",
            "No. E02 means an output overload: disconnect devices until the total load is below 1,800 W, then "
            "press the AC button.",
            "Yes. E02 means an output overload: move the unit to a cooler place and wait until it is below 40 °C, "
            "then press the AC button.", "that is E01's remedy; E02 needs the load below 1,800 W"),
    Written("keep the battery between 20% and 60% charge", "Summarise how to store the Aurora X2 for a long time.",
            "For long-term storage:\n1. Keep the battery between 20% and 60% charge.\n2. Store the unit between "
            "-10 and 45 °C.\n3. Recharge it to 60% every 3 months.", summary=True),
)


@dataclass(frozen=True)
class Task:
    """An instruction the strong model writes about a passage, and its answer."""

    key: str  # words of the passage it is about
    instruction: str
    answer: str
    planted: str | None = None
    flaw: str | None = None


# self_instruct: three user queries per chunk, in the order the writer is asked for them.
SELF_INSTRUCT_TASKS = (
    Task("## 1. Overview", "Why does the Aurora X2 give its AC outlets both a continuous and a surge rating?",
         "Because motors and compressors draw a burst of power when they start.\n\n"
         "- **Continuous:** the four AC outlets deliver 1,800 W for as long as the battery lasts.\n"
         "- **Surge:** for a moment they can deliver 3,600 W, enough to start a compressor that then runs "
         "on far less."),
    Task("## 1. Overview", "Compare the USB-C and USB-A ports of the Aurora X2.",
         "| Port | Count | Power each |\n|---|---|---|\n| USB-C | 2 | up to 100 W |\n| USB-A | 2 | 18 W |\n\n"
         "Together the USB-C ports can supply 2 × 100 W = 200 W.",
         "| Port | Count | Power each |\n|---|---|---|\n| USB-C | 2 | up to 100 W |\n| USB-A | 2 | 18 W |\n\n"
         "Together the USB-C ports can supply 2 × 100 W = 250 W.", "2 × 100 W is 200 W"),
    Task("## 1. Overview", "List what I should know before carrying the Aurora X2 to a campsite.",
         "1. It weighs 12.5 kg and measures 38 x 26 x 30 cm.\n2. It has a folding handle on top.\n"
         "3. Its 1,024 Wh battery is rated for 3,000 charge cycles."),
    Task("## 3. Charging", "Summarise the charging options for someone who has never used a power station.",
         "You can charge it three ways:\n1. **Wall outlet:** 80% in 45 minutes, full in 70 minutes.\n"
         "2. **Solar panels:** about 2 hours with 600 W of panels in full sun.\n"
         "3. **Car socket (12 V):** about 10 hours."),
    Task("## 3. Charging", "Write a short checklist for connecting solar panels to the Aurora X2.",
         "- Connect the panels to the XT60 port.\n- Keep the open-circuit voltage at or below 60 V.\n"
         "- Up to 600 W of panels can be used; in full sun they charge it in about 2 hours.",
         "- Connect the panels to the XT60 port.\n- Keep the open-circuit voltage at or below 75 V.\n"
         "- Up to 600 W of panels can be used; in full sun they charge it in about 2 hours.",
         "the limit is 60 V"),
    Task("## 3. Charging", "What if I charge it in Quiet Charge mode over an 8-hour night?",
         "It will be full long before morning: Quiet Charge mode limits the input to 400 W and takes about 3 "
         "hours, which leaves 8 - 3 = 5 hours to spare."),
    Task("## 6. Storage and care", "Classify the error codes by whether I can fix the problem myself.",
         "You can fix these yourself:\n- E01 (battery too hot): move it somewhere cooler.\n"
         "- E02 (output overload): disconnect devices.\n- E03 (solar over-voltage): check the panel wiring.\n\n"
         "E05 (fan failure) needs Aurora support.",
         "You can fix these yourself:\n- E01 (battery too hot): move it somewhere cooler.\n"
         "- E02 (output overload): disconnect devices.\n- E04 (Bluetooth fault): re-pair the app.\n\n"
         "E05 (fan failure) needs Aurora support.", "the manual has no E04"),
    Task("## 6. Storage and care", "How should I look after the Aurora X2 if I only use it once a year?",
         "1. Store it with the battery between 20% and 60% charge.\n2. Keep it between -10 and 45 °C.\n"
         "3. Recharge it to 60% every 3 months.\n4. Clean the case with a dry cloth only."),
    Task("## 6. Storage and care", "Compare the standard warranty with the one I get by registering.",
         "The standard warranty is 5 years (limited). Registering within 30 days of purchase makes it 6 years: "
         "6 - 5 = 1 extra year.",
         "The standard warranty is 5 years (limited). Registering within 14 days of purchase makes it 6 years: "
         "6 - 5 = 1 extra year.", "registration is within 30 days"),
)


# agentinstruct: a task of each skill per chunk (the skill's name in the writer's prompt).
AGENTINSTRUCT_TASKS = (
    ("reading comprehension", Task("## 1. Overview", "According to the text, what battery chemistry does the Aurora "
                                   "X2 use, and how many cycles is it rated for?",
                                   "Lithium iron phosphate (LiFePO4), rated for 3,000 charge cycles before its "
                                   "capacity falls to 80%.")),
    ("analytical reasoning", Task("## 1. Overview", "If both USB-C ports and both USB-A ports run at their full "
                                  "rating, how much power do they supply together?",
                                  "2 × 100 W + 2 × 18 W = 236 W.", "2 × 100 W + 2 × 18 W = 218 W.",
                                  "200 W + 36 W is 236 W")),
    ("text modification", Task("## 1. Overview", "Rewrite the overview in a formal register for a product datasheet.",
                               "The Aurora X2 is a portable power station intended for camping, remote work and home "
                               "backup. It stores 1,024 Wh in a lithium iron phosphate (LiFePO4) battery rated for "
                               "3,000 charge cycles to 80% capacity, weighs 12.5 kg and measures 38 x 26 x 30 cm.")),
    ("reading comprehension", Task("## 3. Charging", "Which charging source is the slowest, according to the text?",
                                   "The 12 V car socket: about 10 hours, against about 2 hours from 600 W of solar "
                                   "panels and 70 minutes from the wall.")),
    ("analytical reasoning", Task("## 3. Charging", "How many minutes longer does a full wall charge take than a "
                                  "charge to 80%?", "70 - 45 = 25 minutes longer.", "70 - 45 = 35 minutes longer.",
                                  "70 - 45 is 25")),
    ("text modification", Task("## 3. Charging", "Paraphrase what the text says about Quiet Charge mode.",
                               "In Quiet Charge mode the AC input is capped at 400 W: the fan stays silent, but a "
                               "charge takes about 3 hours.")),
    ("reading comprehension", Task("## 6. Storage and care", "What should you do when the display shows E03?",
                                   "Check the panel wiring: the open-circuit voltage must not exceed 60 V.")),
    ("analytical reasoning", Task("## 6. Storage and care", "By how many years does registering the product "
                                  "lengthen the warranty?", "From 5 to 6 years: 6 - 5 = 1 year.")),
    ("text modification", Task("## 6. Storage and care", "Rewrite the storage advice for a twelve-year-old.",
                               "If you put it away for a long time, leave the battery between 20% and 60% full and "
                               "keep it somewhere between -10 and 45 °C. Every 3 months, charge it back up to 60%.")),
)
# The transformed content the strong model plants a flaw in: the first of the storage chunk's.
PLANTED_CONTENT = ("## 6. Storage and care", "every 3 months", "every 6 months")


# Instructions without documents (evolve_instruct, evol_quality, glan, preference): nothing vouches
# for a fact, so the flaw the checks must catch is a calculation that does not hold.
PREFERENCE_RESPONSES = {
    "What does the Aurora X2 weigh?": (
        "The Aurora X2 weighs 12.5 kg. With its folding handle one person can carry it, and two units weigh "
        "2 × 12.5 kg = 25 kg together, which is worth knowing before loading a car.",
        "It weighs 12.5 kg, light enough to carry by its folding handle.",
        "The Aurora X2 weighs 12.5 kg. With its folding handle one person can carry it, and two units weigh "
        "2 × 12.5 kg = 30 kg together, which is worth knowing before loading a car."),
    "Name two ways to charge a power station.": (
        "1. From a wall outlet, the fastest way when mains power is at hand.\n2. From solar panels, the way to "
        "recharge off grid; a 600 W array in full sun delivers 600 W × 2 h = 1,200 Wh over two hours.",
        "From a wall outlet, or from solar panels when you are off grid.", None),
}


@dataclass(frozen=True)
class Dialogue:
    """A support conversation the strong model plays both sides of, for one persona."""

    persona: str  # words of the persona's description
    customer: tuple[str, ...]  # the customer's messages; the last one closes the conversation
    support: tuple[tuple[str, str], ...]  # support's replies, each with words of the excerpt it rests on
    planted: tuple[tuple[str, str], ...] | None = None
    flaw: str | None = None


DIALOGUES = (
    Dialogue("first-time owner taking the station camping",
             ("Hi, it's Maria. How long does the Aurora X2 take to charge from a normal wall socket?",
              "And if I'm camping with no socket at all?", "Great, that's what I needed. Thanks!"),
             (("Hi Maria! From the wall charger at its default 1,500 W it reaches 80% in 45 minutes and 100% in "
               "70 minutes.", "## 3. Charging"),
              ("Off grid you can use solar panels on the XT60 port: with 600 W of panels in full sun a full charge "
               "takes about 2 hours. A 12 V car socket also works but takes about 10 hours.", "## 3. Charging"))),
    Dialogue("field technician who services portable power stations",
             ("A rental unit shows E02 after a customer plugged in a heater. What's the procedure?",
              "Understood. And the fan-failure code?", "Clear, thanks. Closing the ticket."),
             (("E02 is an output overload. Disconnect devices until the total load is below 1,800 W, then press the "
               '"AC" button.', "## 5. Troubleshooting"),
              ("That is E05: stop using the unit and contact Aurora support.", "## 5. Troubleshooting")),
             (("E02 is an output overload. Disconnect devices until the total load is below 1,800 W, then press the "
               '"AC" button.', "## 5. Troubleshooting"),
              ("That is E05: stop using the unit. I'll arrange a free replacement unit for you today.",
               "## 5. Troubleshooting")),
             "support promises a replacement the manual does not offer"),
)


def flat(text: str) -> str:
    return " ".join(text.split())


def _written_for(text: str, records, field: str) -> Written | None:
    text = flat(text)
    return next((r for r in records if flat(getattr(r, field)) in text), None)


class StrongModel(ScriptedClient):
    """The scripted client with a strong model's replies for the roles of the scenarios it
    writes. With `plant`, it writes the planted answer wherever a record has one. `written`
    holds what it wrote: question -> (the record, whether its answer was the planted one)."""

    def __init__(self, plant: bool = True, qa_records=QA_RECORDS, **kwargs) -> None:
        super().__init__({"ReaderReply": self._reader, "QuestionReply": self._writer, "AnswerReply": self._answer,
                          "QueryFree": self._query, "FreeAnswer": self._instruction_answer,
                          "ContentReply": self._content, "TaskFree": self._task,
                          "SuggestionReply": {"suggestion": "Ask for the figures the answer rests on."},
                          "EvolvedFree": self._evolve, "HomeworkFree": self._homework,
                          "CustomerBrief": self._brief, "CustomerReply": self._customer, "SupportReply": self._support},
                         **kwargs)
        self.plant = plant
        self.qa_records = qa_records
        self.written: dict[str, tuple[object, bool]] = {}  # what marks a record (its question) -> (record, flawed)
        self._responded: set[str] = set()

    def _say(self, record: Written) -> str:
        flawed = self.plant and record.planted is not None
        self.written[record.question] = (record, flawed)
        return record.planted if flawed else record.answer

    def _answered(self, task: Task) -> str:
        flawed = self.plant and task.planted is not None
        self.written[task.instruction] = (task, flawed)
        return task.planted if flawed else task.answer

    # --- document QA (seed_from_pdf, persona_qa) ---------------------------------------------

    def _reader(self, messages, schema):
        sentences = _enum(schema, "$defs", "FactReply", "properties", "source_sentence")
        text = prompt_text(messages)
        persona = re.search(r"the ones this reader needs most: (.+)", text)
        facts = []
        for record in self.qa_records:
            if record.summary or (persona and not (record.audience and _for(record.audience, persona.group(1)))):
                continue
            sentence = next((s for s in sentences if flat(record.key) in flat(s)), None)
            if sentence is not None:
                facts.append({"fact": record.key, "source_sentence": sentence})
        return {"facts": facts}

    def _writer(self, messages, schema):
        text = prompt_text(messages)
        fact = re.search(r"Fact: (.+)", text)
        if fact:
            record = _written_for(fact.group(1), self.qa_records, "key")
        else:  # a request to summarise: the summary of this passage
            passage = flat(passage_of(messages) or text)
            record = next((r for r in self.qa_records if r.summary and flat(r.key) in passage), None)
        if record is None:
            return {"question": "Which charging sources does the Aurora X2 support?"}
        return {"question": record.question}

    def _answer(self, messages, schema):
        text = prompt_text(messages)
        question = re.search(r"Question \([^)]*\): (.+)", text)
        record = _written_for(question.group(1) if question else "", self.qa_records, "question")
        sentences = [s for s in _enum(schema, "properties", "evidence") if s != "NONE"]
        if record is None:
            return {"evidence": "NONE", "answerable": False, "answer": "The manual does not say."}
        evidence = next((s for s in sentences if flat(record.key) in flat(s)), sentences[0] if sentences else "NONE")
        return {"evidence": evidence, "answerable": True, "answer": self._say(record)}

    # --- self_instruct ---------------------------------------------------------------------

    def _query(self, messages, schema):
        text = prompt_text(messages)
        context = flat(text.split("# Context", 1)[-1])
        asked = re.search(r"Different from: (.+)", text)
        slot = len(asked.group(1).split(" | ")) if asked else 0
        tasks = [task for task in SELF_INSTRUCT_TASKS if flat(task.key) in context]
        return {"query": tasks[slot].instruction if slot < len(tasks) else "What does the Aurora X2 weigh?"}

    def _instruction_answer(self, messages, schema):
        if "Response Rewriter" in prompt_text(messages):
            return self._rewrite(messages)
        instruction = prompt_text(messages).split("Instruction:", 1)[-1].rsplit("Write the answer.", 1)[0].strip()
        text = flat(instruction)
        if text in PREFERENCE_RESPONSES:
            return {"answer": self._respond(text)}
        task = next((task for task in self.tasks() if flat(task.instruction) in text), None)
        if task is None:
            task = self._worked_task(instruction)
        answer = self._answered(task)
        if PLANTED_CONTENT[2] in text:  # the task of a flawed content is a flawed record, whatever its answer
            self.written[task.instruction] = (task, True)
        return {"answer": answer}

    def tasks(self):
        return SELF_INSTRUCT_TASKS + tuple(task for _, task in AGENTINSTRUCT_TASKS)

    # --- agentinstruct -------------------------------------------------------------------------

    def _content(self, messages, schema):
        """The passage in the form asked for, every fact kept (here: its prose under a framing line)."""
        text = prompt_text(messages)
        source = re.sub(r"<<<(?:SOURCE|END) [0-9a-f]+>>>", "", text.split("Source text:", 1)[-1].rsplit("\n\n", 1)[0]).strip()
        content = f"**Rewritten, every fact kept:**\n\n{source}"
        key, right, wrong = PLANTED_CONTENT
        if self.plant and key in source and not self._planted_content:
            self._planted_content = True
            content = content.replace(right.capitalize(), wrong.capitalize()).replace(right, wrong)
        return {"content": content}

    _planted_content = False

    def _task(self, messages, schema):
        text = prompt_text(messages)
        if "Suggestion:" in text:  # the editor: the task, made more precise
            task = re.search(r"Task: (.+)", text).group(1).strip()
            return {"task": f"{task} Give the figures the answer rests on."}
        material = flat(text)
        for skill, task in AGENTINSTRUCT_TASKS:
            if f"Write one {skill} task" in text and any(flat(line) in material for line in _words_of(task.key)):
                return {"task": task.instruction}
        return DEFAULT_HANDLERS["TaskFree"](messages, schema)

    # --- customer_dialogue -------------------------------------------------------------------

    @staticmethod
    def _dialogue(messages) -> Dialogue:
        who = str(messages[0].content) if messages else ""
        return next((d for d in DIALOGUES if d.persona in who or d.persona in prompt_text(messages)), DIALOGUES[0])

    def _brief(self, messages, schema):
        dialogue = self._dialogue(messages)
        return {"product": "Aurora X2 portable power station", "problem": flat(dialogue.customer[0])[:80],
                "mood": "practical", "success_criterion": "gets a clear answer from the manual"}

    def _customer(self, messages, schema):
        dialogue = self._dialogue(messages)
        said = prompt_text(messages).split("Conversation so far:", 1)[-1].count("CUSTOMER:")
        message = dialogue.customer[min(said, len(dialogue.customer) - 1)]
        last = said >= len(dialogue.customer) - 1
        if said == 0:
            flawed = self.plant and dialogue.planted is not None
            self.written[message] = (dialogue, flawed)
        return {"message": message, "outcome": "resolved" if last else "continuing"}

    def _support(self, messages, schema):
        text = prompt_text(messages)
        transcript = text.split("Conversation so far:", 1)[-1]
        first = transcript.split("CUSTOMER:", 1)[-1].split("\n", 1)[0].strip()
        dialogue, flawed = self.written.get(first, (DIALOGUES[0], False))
        turns = dialogue.planted if flawed else dialogue.support
        message, key = turns[min(transcript.count("SUPPORT:"), len(turns) - 1)]
        excerpts = re.findall(r"\[([^\]\s]+)\] \([^)]*\):\n(.*?)(?=\n\[[^\]\s]+\] \(|\Z)", text, re.DOTALL)
        sources = [chunk for chunk, body in excerpts if key in body][:1]
        return {"message": message, "sources": sources}

    # --- instructions without documents ------------------------------------------------------

    _counter = 0

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _worked_task(self, instruction: str) -> Task:
        """An answer to any instruction, with a worked example; every other one's calculation is
        planted wrong."""
        seed = sum(map(ord, instruction))
        a, b = 12 + seed % 50, 3 + seed % 9
        answer = ("1. Start from what the question defines, and name each quantity.\n"
                  f"2. Work one example through: {a} items in each of {b} groups make {a} × {b} = {{}} items.\n"
                  "3. Check the result against a simpler case before generalising.")
        planted = answer.format(a * b + 10) if self._next() % 2 else None
        return Task("", instruction, answer.format(a * b), planted, "the worked example's product is wrong"
                    if planted else None)

    def _respond(self, instruction: str) -> str:
        """Preference: the first responder writes the longer answer, the second the shorter."""
        long, short, planted = PREFERENCE_RESPONSES[instruction]
        first = instruction not in self._responded
        self._responded.add(instruction)
        if not first:
            return short
        flawed = self.plant and planted is not None
        self.written[instruction] = (Task("", instruction, long, planted, "a wrong product"), flawed)
        return planted if flawed else long

    def _rewrite(self, messages) -> dict:
        """EvolQuality: the response with one worked sentence more (planted wrong in the first)."""
        text = prompt_text(messages)
        given = re.search(r"#Given Response#:\n(.*?)\n\n#Rewritten Response#", text, re.DOTALL).group(1).strip()
        number = re.search(r"\d+(?:\.\d+)?", given)
        if number and "×" not in given:
            x = float(number.group())
            result = 2 * x + (5 if self.plant and self._next() == 1 else 0)
            rewritten = f"{given} For two units that is 2 × {x:g} = {result:g}."
        else:
            extra = next((s for s in _MORE_DETAIL if s not in given), "")
            rewritten = f"{given} {extra}".strip()
        flawed = any(not w.holds for w in worked_calculations(rewritten) if w.computed is not None)
        self.written[rewritten] = (Task("", rewritten, rewritten), flawed)
        return {"answer": rewritten}

    def _evolve(self, messages, schema):
        """In depth: the prompt with a requirement of the method's; in breadth: a new prompt."""
        text = prompt_text(messages)
        parent = re.search(r"#(?:The )?Given Prompt#:\n(.*?)\n\n#", text, re.DOTALL).group(1).strip()
        if "Prompt Creator" in text:
            topic = " ".join(w.strip("?.,") for w in parent.split()[-5:])
            return {"instruction": f"A team new to {topic} asks where to begin: what would you set up first, "
                                   "and what would you measure to know it works?"}
        method = text.split("method:")[-1][:300].lower()
        tail = next((tail for key, tail in _EVOLUTIONS.items() if key in method),
                    "Illustrate the answer with one concrete case.")
        return {"instruction": f"{parent} {tail}"}

    def _homework(self, messages, schema):
        """GLAN: a question of the style asked, on the session's concepts."""
        text = prompt_text(messages)
        concepts = [c.strip() for c in re.search(r"Key concepts to test together: (.+)", text).group(1).split(",")]
        session = re.search(r"Class session: (.+)", text).group(1).strip()
        style = re.search(r"Write (.+?) of (\w+) difficulty", text).group(1)
        asked = re.search(r"Ask something different from: (.+)", text)
        n = len(asked.group(1).split(" | ")) if asked else 0  # a session's later question takes other concepts
        first, second = concepts[n % len(concepts)], concepts[(n + 1) % len(concepts)] if len(concepts) > 1 else session
        if "multiple-choice" in style:
            question = (f"In \"{session}\", which statement about {first} is correct?\nA. It ignores {second}.\n"
                        f"B. It is measured together with {second}.\nC. It applies only to toy examples.\n"
                        "D. None of the above.")
        elif "compar" in style:
            question = f"Compare {first} with {second}: when would a practitioner rely on each, and why?"
        elif "why" in style or "explain" in style:
            question = f"Why does {first} matter for {second}? Illustrate it with a small worked example."
        elif "short-answer" in style:
            question = f"What is {first}, in one or two sentences?"
        elif "problem" in style:
            question = f"Given a dataset of 1,000 cases, work out how {first} changes when {second} doubles."
        else:
            question = f"A lab team is struggling with {first} while working on {second}. What should they try first?"
        return {"question": question}


# Sentences EvolQuality's rewriter adds, one per round, to a response without figures.
_MORE_DETAIL = ("Solar panels need sun, while a wall outlet works wherever there is mains power.",
                "A car socket is a third, slower option on the road.")

# Evol-Instruct's in-depth methods, as a strong evolver words each one's requirement.
_EVOLUTIONS = {
    "constraint": "Keep the answer to five numbered steps, each under twenty words.",
    "depth and breadth": "Also explain why each step matters and what goes wrong when it is skipped.",
    "specific": "Work it through for a concrete case: a ResNet-50 trained on eight GPUs.",
    "reasoning": "Reason in explicit steps, stating the intermediate result of each one.",
    "input data": "Use this data: 10 epochs give 71% accuracy, 20 epochs give 75%.",
}


# Words of each chunk that survive the content's numbering of its sentences.
_CHUNK_WORDS = {"## 1. Overview": ("portable power station for camping",), "## 3. Charging": ("Quiet Charge mode",),
                "## 6. Storage and care": ("long-term storage",)}


def _words_of(key: str) -> tuple[str, ...]:
    return _CHUNK_WORDS.get(key, (key,))


def _for(audience: str, persona_line: str) -> bool:
    """Whether a persona's prompt line ("first-time owner … (novice); wants to …") is `audience`'s."""
    words = {CAMPER: "first-time owner", TECHNICIAN: "field technician"}
    return words[audience] in persona_line


def records_of(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _text(record: dict) -> str:
    return flat(json.dumps(record.get("messages", record), ensure_ascii=False))


def sort_out(out, written: dict[str, tuple[Written, bool]]) -> dict[str, list[str]]:
    """What became of each record the model wrote: correct ones kept or turned down, flawed ones
    kept or turned down, by question (with the reasons for a correct one turned down)."""
    kept, rejected = records_of(out / "data.jsonl"), records_of(out / "rejected.jsonl")
    outcome: dict[str, list[str]] = {"correct kept": [], "correct rejected": [], "flawed kept": [],
                                     "flawed rejected": []}
    for question, (record, flawed) in written.items():
        needle = flat(json.dumps(question, ensure_ascii=False)[1:-1])
        in_kept = [r for r in kept if needle in _text(r)]
        in_rejected = [r for r in rejected if needle in _text(r)]
        state = "flawed" if flawed else "correct"
        if in_kept:
            outcome[f"{state} kept"].append(question)
        elif in_rejected:
            reasons = "; ".join(in_rejected[0].get("reasons", []))[:200]
            outcome[f"{state} rejected"].append(f"{question} [{reasons}]" if state == "correct" else question)
    return outcome

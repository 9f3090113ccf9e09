# Sourced by the bench scripts. numeric_suite DIR N [TEXT] writes DIR/rows-N.jsonl (N questions
# whose prompts carry their answer in the mock server's [[answer:X]] marker, TEXT appended to each
# question) and DIR/suite-N.toml, and prints the suite path. Reuses an existing pair.
numeric_suite() {
  local dir=$1 n=$2 text=${3:-}
  if [ ! -f "$dir/suite-$n.toml" ]; then
    awk -v n="$n" -v text="$text" 'BEGIN { for (i = 0; i < n; i++)
        printf "{\"id\":%d,\"question\":\"Question %d: what number is this?%s [[answer:%d]]\",\"answer\":\"%d\"}\n", i, i, text, i, i }' \
        > "$dir/rows-$n.jsonl"
    cat > "$dir/suite-$n.toml" <<TOML
name = "bench"
domain = "math"
[dataset]
files = ["rows-$n.jsonl"]
[sample]
id = "q/{id}"
prompt = """Solve it. End with a line "#### ANSWER".

{question}"""
target = "{answer}"
[generation]
temperature = 0.0
max_tokens = 256
[scoring]
scorers = ["gsm8k"]
TOML
  fi
  echo "$dir/suite-$n.toml"
}

"""Serve a GGUF model over the OpenAI protocol with llama-cpp-python's own server, loaded the
way this project loads in-process models (see backends/llama_loading.py: no AMX crash).

    python -m agentsynth.serve --model my.gguf --port 8000      (or: python run.py serve ...)

Every option of `python -m llama_cpp.server` is accepted as it is; point the project at the
server with `--model openai-compatible:NAME --base-url http://localhost:8000/v1`.
"""

from __future__ import annotations

import sys

SERVER_EXTRA = "the server needs llama-cpp-python's server extra: pip install -e \".[server]\""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        from llama_cpp.server.__main__ import main as server_main
    except ImportError as exc:
        print(f"error: {SERVER_EXTRA} ({exc})", file=sys.stderr)
        return 2
    from .backends.llama_loading import apply_process_wide, extra_buffer_types_choice

    extra = apply_process_wide()
    why = extra_buffer_types_choice()[1]
    print(f"agentsynth: llama.cpp extra buffer types {'on' if extra else 'off'} ({why})", file=sys.stderr)
    sys.argv = ["python -m agentsynth.serve", *argv]  # llama_cpp.server reads its options from sys.argv
    server_main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

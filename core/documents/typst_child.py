"""The child process that draws one Typst document (core/documents/typst.py runs it
as `python -I core/documents/typst_child.py`): a JSON request on stdin
({"source", "data", "fonts", "root"}), the PDF on stdout, Typst's error on stderr and
exit status 1. Imports nothing of the project or Django: it starts in about 0.1 s.

Why a process: Typst memoises layouts across compilations in the process that runs it,
about 40 MB for each recent 500-row table (625 MB after ten), which a web worker would
keep; a child gives it all back when it exits, and a fault in the compiler cannot take
the worker with it."""

import json
import sys


def main() -> int:
    import typst

    request = json.load(sys.stdin)
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=request["fonts"])
    compiler = typst.Compiler(root=request["root"], font_paths=fonts, ignore_system_fonts=True)
    try:
        pdf = compiler.compile(input=request["source"].encode(), format="pdf", sys_inputs={"data": request["data"]})
    except typst.TypstError as error:
        sys.stderr.write(str(error))
        return 1
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())

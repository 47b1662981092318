"""A problem found in a sheet: where (file, sheet, row as the spreadsheet numbers it, column)
and what, as a message key of ``pledges.i18n``.  An import collects them all."""

from dataclasses import dataclass, field

from pledges import i18n


@dataclass(frozen=True)
class Problem:
    source: str
    sheet: str
    row: int | None
    column: str | None  # the column's letter, "F"
    key: str
    params: dict = field(default_factory=dict, compare=False, hash=False)
    header: str | None = None  # the column's header as the sheet has it, "完成时限"

    def message(self, lang: str = "zh") -> str:
        return i18n.text(self.key, lang, **self.params)

    def where(self, lang: str = "zh") -> str:
        parts = [self.source if self.source == self.sheet or self.source.endswith(".csv") else
                 f"{self.source} [{self.sheet}]"]
        if self.row is not None:
            parts.append(f"第 {self.row} 行" if lang != "en" else f"row {self.row}")
        if self.column:
            if lang == "en":
                parts.append(f"column {self.column}" + (f" ({self.header})" if self.header else ""))
            else:
                parts.append(f"{self.column} 列" + (f"（{self.header}）" if self.header else ""))
        return " ".join(parts)

    def line(self, lang: str = "zh") -> str:
        return f"{self.where(lang)}{'：' if lang != 'en' else ': '}{self.message(lang)}"

    def as_dict(self, lang: str = "zh") -> dict:
        return {"file": self.source, "sheet": self.sheet, "row": self.row, "column": self.column, "header": self.header,
                "problem": self.key, "message": self.message(lang)}


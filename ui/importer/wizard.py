"""The import wizard: choose a CSV, preview it, map its columns when they are not ours, check
every row, import with progress and Cancel, and a summary. All file and database work runs off
the UI thread through ``context.operations``; progress is shown inside the pages."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget, QWizard

from ui.context import AppContext
from ui.importer.file_pages import (
    ChooseFilePage,
    FileChooser,
    MappingPage,
    PreviewPage,
    choose_csv,
)
from ui.importer.run_pages import (
    CheckPage,
    ImportPage,
    RejectsChooser,
    SummaryPage,
    choose_rejects_file,
)
from ui.importer.state import CHECK, CHOOSE, IMPORT, MAPPING, PREVIEW, SUMMARY, ImportState


class ImportWizard(QWizard):
    """Shown with ``open()`` (not modal-blocking); the file dialogs can be replaced for tests."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 choose_file: FileChooser = choose_csv,
                 choose_rejects: RejectsChooser = choose_rejects_file) -> None:
        super().__init__(parent)
        self.context = context
        self.state = ImportState()
        self.setWindowTitle("Import incidents")
        self.setObjectName("importWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.choose_page = ChooseFilePage(self.state, choose_file)
        self.preview_page = PreviewPage(context, self.state)
        self.mapping_page = MappingPage(context, self.state)
        self.check_page = CheckPage(context, self.state, choose_rejects)
        self.import_page = ImportPage(context, self.state)
        self.summary_page = SummaryPage(self.state)
        for page_id, page in ((CHOOSE, self.choose_page), (PREVIEW, self.preview_page),
                              (MAPPING, self.mapping_page), (CHECK, self.check_page),
                              (IMPORT, self.import_page), (SUMMARY, self.summary_page)):
            self.setPage(page_id, page)
        self.setStartId(CHOOSE)
        self.setMinimumSize(640, 480)
        self.resize(860, 640)

    def done(self, result: int) -> None:
        # Closing the wizard stops its background work; the import rolls back.
        self.check_page.progress.cancel()
        self.import_page.cancel()
        super().done(result)

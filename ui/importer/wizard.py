"""The import wizard: choose a file (CSV or Excel) and a saved profile if there is one; say
where its columns are named; match their columns and translate their values into ours
(building an import profile, formats.md); see the first rows as they will be stored; save the
profile; check every row; import with progress and Cancel; a summary. A file already in our
own layout goes from the first rows straight to the check. All file and database work runs
off the UI thread through ``context.operations``; progress is shown inside the pages."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget, QWizard

from ui.context import AppContext
from ui.importer.columns_page import ColumnsPage
from ui.importer.file_pages import ChooseFilePage, FileChooser, LayoutPage
from ui.importer.file_pages import choose_file as choose_file_default
from ui.importer.profile_pages import CopyChooser, DatesPage, SavePage, StoredPage
from ui.importer.profile_pages import choose_copy_file as choose_copy_default
from ui.importer.run_pages import (
    CheckPage,
    ImportPage,
    RejectsChooser,
    SummaryPage,
    choose_rejects_file,
)
from ui.importer.state import (
    CHECK,
    CHOOSE,
    COLUMNS,
    DATES,
    IMPORT,
    LAYOUT,
    SAVE,
    STORED,
    SUMMARY,
    VALUES,
    ImportState,
)
from ui.importer.values_page import ValuesPage


class ImportWizard(QWizard):
    """Shown with ``open()`` (not modal-blocking); the file dialogs can be replaced for tests."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 choose_file: FileChooser = choose_file_default,
                 choose_rejects: RejectsChooser = choose_rejects_file,
                 choose_copy: CopyChooser = choose_copy_default) -> None:
        super().__init__(parent)
        self.context = context
        self.state = ImportState()
        self.setWindowTitle("Import incidents")
        self.setObjectName("importWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.choose_page = ChooseFilePage(context, self.state, choose_file)
        self.layout_page = LayoutPage(context, self.state)
        self.columns_page = ColumnsPage(context, self.state)
        self.values_page = ValuesPage(context, self.state)
        self.dates_page = DatesPage(context, self.state)
        self.stored_page = StoredPage(context, self.state)
        self.save_page = SavePage(context, self.state, choose_copy)
        self.check_page = CheckPage(context, self.state, choose_rejects)
        self.import_page = ImportPage(context, self.state)
        self.summary_page = SummaryPage(self.state)
        for page_id, page in ((CHOOSE, self.choose_page), (LAYOUT, self.layout_page),
                              (COLUMNS, self.columns_page), (VALUES, self.values_page),
                              (DATES, self.dates_page), (STORED, self.stored_page),
                              (SAVE, self.save_page), (CHECK, self.check_page),
                              (IMPORT, self.import_page), (SUMMARY, self.summary_page)):
            self.setPage(page_id, page)
        self.setStartId(CHOOSE)
        self.setMinimumSize(640, 480)
        self.resize(960, 680)

    def done(self, result: int) -> None:
        # Closing the wizard stops its background work; the import rolls back.
        self.values_page.progress.cancel()
        self.check_page.progress.cancel()
        self.import_page.cancel()
        super().done(result)

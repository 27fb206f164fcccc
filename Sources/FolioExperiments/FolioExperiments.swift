// FolioExperiments

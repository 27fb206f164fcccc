let cnnAssignmentChapters: [any Chapter.Type] = []

LABELS = []

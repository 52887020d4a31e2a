print("livinglab")

#include "livinglab_plugin.h"

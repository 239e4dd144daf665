from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tongban.projects"
    label = "projects"
    verbose_name = "帮办代办与工程建设项目"

    def ready(self) -> None:
        from tongban.cases.services.followers import followers
        from tongban.projects import rules
        from tongban.projects.services import project_follow

        rules.register()
        # After the 一件事 (100): the project is done when its permit is decided.
        followers.register("projects", project_follow, order=150)
